// `memscope serve` as a user starts it: the URL line, --metrics behind the same token, --token-file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { postApiCall } from '../../helpers/api-post.js';
import { startServe } from '../../helpers/browser.js';
import { assertOneLineError, runMemscope } from '../../helpers/cli.js';
import { referenceStatusNumbers } from '../../helpers/proc-reference.js';
import { startSubject } from '../../helpers/subject.js';

test('serve --metrics: /metrics needs the token and reports the subject\'s resident bytes', async () => {
  const subject = await startSubject(8, 4);
  const serve = await startServe(['--metrics', '-d', '0.2']);
  try {
    assert.equal((await fetch(`${serve.base}/metrics`)).status, 401);
    const r = await fetch(`${serve.base}/metrics`, { headers: { authorization: `Bearer ${serve.token}` } });
    assert.equal(r.status, 200);
    const text = await r.text();
    const line = text.split('\n').find((l) => l.startsWith('memscope_process_resident_bytes{') && l.includes(`pid="${subject.pid}"`));
    assert.ok(line, 'subject listed');
    assert.equal(Number(line.split(' ').at(-1)), (referenceStatusNumbers(subject.pid)['VmRSS'] ?? NaN) * 1024);
  } finally {
    await serve.stop();
    await subject.kill();
  }
});

test('serve --token-file: the URL carries the file\'s token; a bad file is a one-line error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memscope-token-'));
  try {
    const file = join(dir, 'token');
    writeFileSync(file, 'fixed-token-for-prometheus\n', { mode: 0o600 });
    const serve = await startServe(['--token-file', file]);
    try {
      assert.equal(serve.token, 'fixed-token-for-prometheus');
      const ok = await fetch(`${serve.base}/api/getSystem`, { method: 'POST', headers: { authorization: 'Bearer fixed-token-for-prometheus' } });
      assert.equal(ok.status, 200);
    } finally {
      await serve.stop();
    }
    await assert.rejects(startServe(['--token-file', join(dir, 'missing')]), /exited before printing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve --history-ticks: 1 to 900, anything else is bad usage (exit 2, one line)', () => {
  assertOneLineError(runMemscope(['serve', '--port', '0', '--history-ticks', '901']), 2, /--history-ticks 901 is more than 900/);
  assertOneLineError(runMemscope(['serve', '--port', '0', '--history-ticks', '0']), 2, /bad --history-ticks: "0"/);
  assertOneLineError(runMemscope(['serve', '--port', '0', '--history-ticks', 'lots']), 2, /bad --history-ticks/);
});

test('serve --history-budget SIZE: K/M/G sizes between the every-tick tiers\' floor and what histories can use; else exit 2, one line', async () => {
  // At 900 every-tick samples 2048 histories need 71 MiB and can use 2335 MiB; fewer --history-ticks lower the floor.
  for (const size of ['0', '64M', '3G', '1.5G', 'lots', '1T']) {
    assertOneLineError(runMemscope(['serve', '--port', '0', '--history-budget', size]), 2, /^memscope: bad --history-budget: .* \(expected a size such as 512M or 1G, from 71 MiB .* to 2335 MiB/);
  }
  assertOneLineError(runMemscope(['serve', '--port', '0', '--history-ticks', '60', '--history-budget', '1M']), 2, /from 6 MiB \(the every-tick tiers of 2048 processes at 60 ticks\)/);
  for (const args of [['--history-budget', '512M'], ['--history-budget', '2335M'], ['--history-ticks', '60', '--history-budget', '8M'], ['--history-budget', '1g']]) {
    const serve = await startServe(args, { captureStderr: true });
    try {
      const r = await postApiCall(serve.base, serve.token, 'getHostHistory', []);
      assert.equal(r.status, 200, args.join(' '));
      assert.equal(serve.stderr(), '', args.join(' '));
    } finally {
      await serve.stop();
    }
  }
});
