// `memscope exporter` as a user runs it: --once output that promtool accepts, a served /metrics
// behind a token file, a clean stop on SIGTERM, and one-line errors for every bad argument.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { CLI_PATH } from '../../helpers/paths.js';
import { referenceStatusNumbers } from '../../helpers/proc-reference.js';
import { startSubject, type Subject } from '../../helpers/subject.js';
import { oracleMissing } from '../../helpers/oracles.js';
import { checkWithPromtool, findSamples, readExposition } from '../../shared/metrics/exposition-reference.js';
import { assertOneLineError, runMemscope } from '../../helpers/cli.js';
const memscope = (...args: string[]) => runMemscope(args);



describe('memscope exporter', () => {
  let subject: Subject;
  let dir: string;
  let tokenFile: string;
  const token = 'exporter-test-token-5f1e0c2a9b';
  before(async () => {
    subject = await startSubject(17, 3);
    dir = mkdtempSync(join(tmpdir(), 'memscope-exporter-'));
    tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  });
  after(async () => {
    await subject.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--once prints one exposition that promtool accepts, with the subject as /proc shows it', { skip: oracleMissing('promtool') }, () => {
    const r = memscope('exporter', '--once');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const check = checkWithPromtool(r.stdout);
    assert.equal(check.status, 0, check.output);
    const rss = findSamples(readExposition(r.stdout), 'memscope_process_resident_bytes', { pid: String(subject.pid) });
    assert.equal(rss[0]?.value, (referenceStatusNumbers(subject.pid)['VmRSS'] ?? NaN) * 1024);
  });

  test('--config groups the output', () => {
    const config = join(dir, 'groups.json');
    writeFileSync(config, JSON.stringify({ groups: [{ name: 'subject', cmdline: ['subject-memory-[0-9a-f]+ 17 3$'], smaps: true }] }));
    const r = memscope('exporter', '--once', '--config', config);
    assert.equal(r.code, 0, r.stderr);
    const exp = readExposition(r.stdout);
    assert.deepEqual(findSamples(exp, 'memscope_group_processes').map((s) => [s.labels['groupname'], s.value]), [['subject', 1]]);
    assert.ok((findSamples(exp, 'memscope_group_pss_bytes')[0]?.value ?? 0) >= 3 * 1024 * 1024);
  });

  test('serves /metrics behind the token from --token-file, prints its URL first, stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'exporter', '--listen', '127.0.0.1:0', '-d', '0.2', '--token-file', tokenFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
      const url = String(first.value);
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/, stderr);
      assert.equal((await fetch(url)).status, 401);
      const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      assert.equal(findSamples(readExposition(await ok.text()), 'memscope_process_resident_bytes', { pid: String(subject.pid) }).length, 1);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0, stderr);
    }
    assert.equal(stderr, '');
  });

  test('a token file others can read is used, with a warning', () => {
    const loose = join(dir, 'loose-token');
    writeFileSync(loose, token);
    chmodSync(loose, 0o644);
    const r = memscope('exporter', '--once', '--token-file', loose);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^memscope: warning: .*loose-token" is readable by every user; chmod 600 it\n$/);
  });

  test('bad arguments: one line each, exit 2 for usage and 1 for a malformed config', async () => {
    const empty = join(dir, 'empty-token');
    writeFileSync(empty, '\n', { mode: 0o600 });
    const badConfig = join(dir, 'bad.json');
    writeFileSync(badConfig, '{"groups": [{"name": "x", "comm": "("}]}');
    assertOneLineError(memscope('exporter', '--listen', 'nonsense'), 2, /bad --listen "nonsense" \(expected HOST:PORT/);
    assertOneLineError(memscope('exporter', '--listen', '127.0.0.1:99999'), 2, /bad --listen/);
    assertOneLineError(memscope('exporter', '--listen', '192.0.2.1:9187'), 2, /192\.0\.2\.1 \(not loopback\) needs a bearer token: --token-file FILE/);
    assertOneLineError(memscope('exporter', '--token-file', join(dir, 'nope')), 1, /--token-file .*nope": no such file/);
    assertOneLineError(memscope('exporter', '--token-file', empty), 1, /empty-token" is empty/);
    assertOneLineError(memscope('exporter', '--config', badConfig), 1, /config .*bad\.json: groups\[0\]\.comm: invalid regular expression/);
    assertOneLineError(memscope('exporter', '--config', join(dir, 'nope.json')), 1, /cannot read config ".*nope\.json": no such file/);
    assertOneLineError(memscope('exporter', '-d', '0'), 2, /bad -d \(seconds\)/);
    assertOneLineError(memscope('exporter', 'extra'), 2, /unexpected argument "extra"/);
    assertOneLineError(memscope('exporter', '--bogus'), 2, /exporter: Unknown option "--bogus"/);

    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    try {
      const address = taken.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      // A port in use is a run-time failure (exit 1), for serve as for exporter; an address this host lacks is bad usage.
      assertOneLineError(memscope('exporter', '--listen', `127.0.0.1:${port}`), 1, new RegExp(`cannot listen on "127\\.0\\.0\\.1:${port}": port in use`));
      assertOneLineError(memscope('serve', '--port', String(port)), 1, new RegExp(`serve: cannot listen on "127\\.0\\.0\\.1:${port}": port in use \\(try --port 0\\)`));
      assertOneLineError(memscope('serve', '--host', '192.0.2.1', '--port', '0'), 2, /serve: cannot listen on "192\.0\.2\.1:0": no such local address/);
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });
});
