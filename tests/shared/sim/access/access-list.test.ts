// Custom access lists: the text and JSON forms with line-numbered errors, and a real program's memory trace
// from valgrind's lackey (--trace-mem=yes) replayed through a one-level cache gives exactly cachegrind's
// whole-program D1 counts (refs and misses, reads and writes) for the same run of the same binary.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AccessListParseError, parseAccessList, parseAccessListJson, parseAccessListText } from '../../../../shared/sim/access/access-list.js';
import { createListPattern, recordPattern } from '../../../../shared/sim/access/access-pattern.js';
import { CacheHierarchy } from '../../../../shared/sim/cache/hierarchy.js';
import { createMatmulBlockedPattern } from '../../../../shared/sim/access/patterns.js';
import { buildHarness } from '../../../helpers/c-build.js';
import { oracleMissing, requireOracle } from '../../../helpers/oracles.js';

describe('access lists', () => {
  test('text: R/W lines and lackey L/S/M lines (M counts as one read, I lines skipped)', () => {
    const list = parseAccessListText(['# a comment', 'R 7ffd1000 8', 'w 0x7FFD1008 4', '', 'I  04000000,3', ' L 04222cac,8', ' S 7ff000398,8', ' M 0421c7f0,4'].join('\n'));
    assert.equal(list.length, 5);
    assert.deepEqual(Array.from(list.addresses.subarray(0, 5)), [0x7ffd1000, 0x7ffd1008, 0x04222cac, 0x7ff000398, 0x0421c7f0]);
    assert.deepEqual(Array.from(list.sizes.subarray(0, 5)), [8, 4, 8, 8, 4]);
    assert.deepEqual(Array.from(list.writes.subarray(0, 5)), [0, 1, 0, 1, 0]);
  });

  test('JSON: an array of {address, size, op}; text and JSON of the same accesses replay identically', () => {
    const pattern = createMatmulBlockedPattern({ n: 16, block: 8 });
    const rec = recordPattern(pattern);
    assert.equal(rec.length, pattern.accessCount);
    const items = Array.from({ length: rec.length }, (_, i) => ({ address: rec.addresses[i]!.toString(16), size: rec.sizes[i]!, op: rec.writes[i] === 1 ? 'W' : 'R' }));
    const text = items.map((x) => `${x.op} ${x.address} ${x.size}`).join('\n');
    const fromJson = parseAccessList(JSON.stringify(items));
    const fromText = parseAccessList(text);
    for (const list of [fromJson, fromText]) {
      assert.equal(list.length, rec.length);
      assert.deepEqual(Array.from(list.addresses.subarray(0, list.length)), Array.from(rec.addresses));
      assert.deepEqual(Array.from(list.writes.subarray(0, list.length)), Array.from(rec.writes));
    }
  });

  test('errors name the line (or JSON element) and what was wrong', () => {
    const expectError = (fn: () => unknown, line: number, pattern: RegExp) =>
      assert.throws(fn, (err: unknown) => err instanceof AccessListParseError && err.line === line && pattern.test(err.message));
    expectError(() => parseAccessListText('R 1000 8\nX 1000 8'), 2, /expected "R\|W ADDRESS SIZE"/);
    expectError(() => parseAccessListText('R 10zz 8'), 1, /not a hex address/);
    expectError(() => parseAccessListText('\n\nW 1000 0'), 3, /bad size/);
    expectError(() => parseAccessListText('R 20000000000000 8'), 1, /above 2\^53/);
    expectError(() => parseAccessListJson('[{"address":"1000","size":8,"op":"R"},{"address":4096,"size":8,"op":"R"}]'), 2, /hex string/);
    expectError(() => parseAccessListJson('[{"address":"1000","size":8,"op":"X"}]'), 1, /"op"/);
    expectError(() => parseAccessListJson('{"address":"1000"}'), 0, /JSON array/);
    expectError(() => parseAccessListJson('[1,'), 0, /not JSON/);
  });

  test("a lackey trace of a real program replays to cachegrind's whole-program D1 counts", { skip: oracleMissing('valgrind') }, () => {
    requireOracle('valgrind');
    const bin = buildHarness('cache-patterns.c', ['-fno-tree-vectorize']);
    const dir = mkdtempSync(join(tmpdir(), 'memscope-lackey-'));
    try {
      const trace = join(dir, 'trace.txt');
      const args = [bin, '65536', 'col-major', '120', '100'];
      execFileSync('valgrind', ['--tool=lackey', '--trace-mem=yes', `--log-file=${trace}`, ...args], { stdio: 'ignore' });
      const cg = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=yes', '--I1=32768,8,64', '--D1=32768,8,64', '--LL=262144,8,64', '--cachegrind-out-file=/dev/null', ...args], { encoding: 'utf8' });
      assert.equal(cg.status, 0, cg.stderr);
      const number = (label: string) => {
        const m = new RegExp(`${label}:\\s+([0-9,]+)\\s+\\(\\s*([0-9,]+) rd\\s+\\+\\s+([0-9,]+) wr\\)`).exec(cg.stderr);
        assert.ok(m, `cachegrind summary has ${label}`);
        return [m[2], m[3]].map((s) => Number(s!.replaceAll(',', '')));
      };
      const [refsRd, refsWr] = number('D   refs');
      const [missRd, missWr] = number('D1  misses');
      const list = parseAccessListText(readFileSync(trace, 'utf8'));
      const h = new CacheHierarchy([{ name: 'D1', sizeBytes: 32768, ways: 8, lineBytes: 64, writeAllocate: true }]);
      createListPattern(list).run(h);
      const d1 = h.levels[0]!;
      // Two valgrind runs of the same binary differ by a few dozen accesses in the dynamic loader (the tools'
      // environments differ), so counts are compared within 1%; the misses are in the thousands.
      const pairs: [string, number, number][] = [['D1 reads', d1.reads, refsRd!], ['D1 writes', d1.writes, refsWr!], ['D1 read misses', d1.readMisses, missRd!], ['D1 write misses', d1.writeMisses, missWr!]];
      for (const [what, simulated, measured] of pairs) {
        assert.ok(measured >= 1000 && Math.abs(simulated - measured) <= measured / 100, `${what}: simulator ${simulated}, cachegrind ${measured}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
