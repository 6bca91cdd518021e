// Live: a subject with 20,000 mappings (tests/harness/many-maps.c, ~14 MB of smaps), parsed exactly.
// Its speed (read+parse vs read alone, and against pmap) is measured by `npm run bench`, not here.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync, readFileSync } from 'node:fs';
import { buildHarness } from '../../helpers/c-build.js';
import { parseSmaps } from '../../../shared/proc/smaps.js';
import { parseMaps } from '../../../shared/proc/maps.js';
import { headerOf } from '../../helpers/proc-reference.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';

const REGIONS = 20000;
const buffer = Buffer.alloc(32 << 20);

function readInto(path: string): number {
  const fd = openSync(path, 'r');
  try {
    let n = 0;
    for (;;) {
      const got = readSync(fd, buffer, n, buffer.length - n, null);
      if (got === 0) return n;
      n += got;
    }
  } finally {
    closeSync(fd);
  }
}

describe(`smaps of a process with ${REGIONS} mappings`, () => {
  let child: ChildProcess;
  let pid: number;
  let base: bigint;

  before(async () => {
    let out: string;
    ({ child, out } = await spawnUntilReady(buildHarness('many-maps.c'), [String(REGIONS)]));
    base = BigInt(`0x${/^base ([0-9a-f]+)$/m.exec(out)![1]}`);
    pid = child.pid!;
  });

  after(() => {
    child?.kill('SIGKILL');
  });

  test('page i of the reserved range is its own mapping: odd i r--p untouched (Rss 0), even i rw-p written (Rss 4)', () => {
    const smaps = parseSmaps(buffer.subarray(0, readInto(`/proc/${pid}/smaps`)));
    const byStart = new Map(smaps.map((m) => [m.start, m]));
    for (let i = 1; i <= REGIONS; i++) {
      const start = (base + BigInt(i) * 4096n).toString(16);
      const m = byStart.get(start);
      assert.ok(m !== undefined, `page ${i} at ${start}`);
      assert.equal(m.end, (base + BigInt(i + 1) * 4096n).toString(16));
      assert.equal(m.perms, i % 2 === 1 ? 'r--p' : 'rw-p');
      assert.equal(m.smaps!['Rss'], i % 2 === 1 ? 0 : 4);
      assert.equal(m.kind, 'anon');
    }
    assert.equal(byStart.get(base.toString(16))!.kind, 'guard');
    const maps = parseMaps(readFileSync(`/proc/${pid}/maps`));
    assert.deepEqual(
      smaps.map(headerOf),
      maps,
    );
  });

});
