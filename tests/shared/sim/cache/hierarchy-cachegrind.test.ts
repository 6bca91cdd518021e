// PROOF of the cache simulator against valgrind's cachegrind: for every built-in pattern, tests/harness/
// cache-patterns.c performs the same accesses in C and runs under `valgrind --tool=cachegrind --cache-sim=yes`
// with the same D1 and LL geometry (cachegrind simulates exactly two data levels, D1 then LL, LRU and
// write-allocate), and the simulator's D1/LL read and write miss counts must agree within 1%.
//
// How the pattern's own accesses are isolated from the program's (method, also in cache-patterns.c):
// - each pattern runs in its own noipa function pattern_<name>; cachegrind's output file gives counts per
//   function, and only that function's Dr/D1mr/DLmr/Dw/D1mw/DLmw are compared. Built with -O2
//   -fno-tree-vectorize, its loop counters live in registers, so its data accesses are the pattern's, plus a
//   few register saves and restores in the prologue and epilogue and, in the tiled multiply, a few spills per
//   tile: stack lines that stay in D1, so they add accesses (compared within 1% + 16) but no misses;
// - setup (filling the buffers, linking the list) happens before, in main; then scrub() reads a buffer of
//   4 × LL bytes, leaving every set of D1 and LL full of lines the pattern never touches. Under LRU such
//   lines are evicted before any line the pattern brings in, so the caches behave exactly as if empty,
//   which is how the simulator starts; warm_stack() then writes the stack lines the prologue pushes to;
// - the C program prints its buffers' addresses, and the simulator replays the pattern at those addresses
//   (set indices depend on them).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { AccessPattern } from '../../../../shared/sim/access/access-pattern.js';
import { checkCacheHierarchy } from '../../../../shared/sim/cache/check.js';
import { checkCachegrindGeometry, formatCachegrindOption, type CacheGeometry } from '../../../../shared/sim/cache/geometry.js';
import { CacheHierarchy } from '../../../../shared/sim/cache/hierarchy.js';
import {
  createAosPattern,
  createArrayWalkPattern,
  createColMajorPattern,
  createListWalkPattern,
  createMatmulBlockedPattern,
  createMatmulNaivePattern,
  createRowMajorPattern,
  createSoaPattern,
  shuffleOrder,
} from '../../../../shared/sim/access/patterns.js';
import { buildHarness } from '../../../helpers/c-build.js';
import { oracleMissing, requireOracle } from '../../../helpers/oracles.js';

const run = promisify(execFile);

/** Two geometries cachegrind accepts (power-of-two set counts); the first is this machine's L1d. */
const GEOMETRIES: CacheGeometry[] = [
  [
    { name: 'D1', sizeBytes: 32768, ways: 8, lineBytes: 64, writeAllocate: true },
    { name: 'LL', sizeBytes: 262144, ways: 8, lineBytes: 64, writeAllocate: true },
  ],
  [
    { name: 'D1', sizeBytes: 16384, ways: 4, lineBytes: 64, writeAllocate: true },
    { name: 'LL', sizeBytes: 131072, ways: 16, lineBytes: 64, writeAllocate: true },
  ],
];

/** A built-in pattern as the harness runs it: its argv, its function, and the simulator's pattern at given bases. */
interface Case {
  name: string;
  args: string[];
  fn: string;
  build(bases: number[]): AccessPattern;
}

const LIST = { count: 32768, nodeBytes: 16, seed: 3 };
const CASES: Case[] = [
  { name: 'row-major', args: ['row-major', '300', '200'], fn: 'pattern_row_major', build: (b) => createRowMajorPattern({ rows: 300, cols: 200, bases: b }) },
  { name: 'col-major', args: ['col-major', '300', '200'], fn: 'pattern_col_major', build: (b) => createColMajorPattern({ rows: 300, cols: 200, bases: b }) },
  { name: 'array-walk', args: ['array-walk', '32768', '16'], fn: 'pattern_array_walk', build: (b) => createArrayWalkPattern({ count: 32768, nodeBytes: 16, bases: b }) },
  { name: 'list-walk', args: ['list-walk', String(LIST.count), String(LIST.nodeBytes)], fn: 'pattern_list_walk', build: (b) => createListWalkPattern({ ...LIST, bases: b }) },
  { name: 'aos', args: ['aos', '16384', '8', '2'], fn: 'pattern_aos', build: (b) => createAosPattern({ count: 16384, fields: 8, read: 2, bases: b }) },
  { name: 'soa', args: ['soa', '16384', '8', '2'], fn: 'pattern_soa', build: (b) => createSoaPattern({ count: 16384, fields: 8, read: 2, bases: b }) },
  { name: 'matmul-naive', args: ['matmul-naive', '96'], fn: 'pattern_matmul_naive', build: (b) => createMatmulNaivePattern({ n: 96, bases: b }) },
  { name: 'matmul-blocked', args: ['matmul-blocked', '96', '16'], fn: 'pattern_matmul_blocked', build: (b) => createMatmulBlockedPattern({ n: 96, block: 16, bases: b }) },
];

/** Cachegrind's counts for one function, by event name (Ir, Dr, D1mr, DLmr, Dw, D1mw, DLmw, …). */
type Counts = Record<string, number>;

/** Sums the cost lines under every "fn=NAME" block of a cachegrind out file (absent trailing counts are 0). */
function readFunctionCounts(outFile: string, fn: string): Counts {
  const text = readFileSync(outFile, 'utf8');
  const events = /^events: (.*)$/m.exec(text)?.[1]?.trim().split(/\s+/);
  assert.ok(events, 'cachegrind out file has an events: line');
  const counts: Counts = Object.fromEntries(events.map((e) => [e, 0]));
  let inside = false;
  let seen = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) {
      inside = line.slice(3) === fn;
      seen ||= inside;
    } else if (line.startsWith('fl=') || line.startsWith('summary:')) inside = false;
    else if (inside && /^[0-9]/.test(line)) {
      const nums = line.trim().split(/\s+/).slice(1).map(Number);
      events.forEach((e, i) => (counts[e]! += nums[i] ?? 0));
    }
  }
  assert.ok(seen, `cachegrind counted no function ${fn}`);
  return counts;
}

interface Measured {
  geometryIndex: number;
  c: Case;
  counts: Counts;
  bases: number[];
}

function assertWithinPercent(simulated: number, measured: number, percent: number, slack: number, what: string): void {
  const allowed = (Math.max(simulated, measured) * percent) / 100 + slack;
  assert.ok(Math.abs(simulated - measured) <= allowed, `${what}: simulator ${simulated}, cachegrind ${measured} (allowed difference ${allowed.toFixed(1)})`);
}

describe('cache simulator against cachegrind', { skip: oracleMissing('valgrind') }, () => {
  const measured: Measured[] = [];
  let dir = '';
  before(async () => {
    requireOracle('valgrind');
    const bin = buildHarness('cache-patterns.c', ['-fno-tree-vectorize']);
    dir = mkdtempSync(join(tmpdir(), 'memscope-cachegrind-'));
    const orderFile = join(dir, 'order.bin');
    const order = shuffleOrder(LIST.count, LIST.seed);
    writeFileSync(orderFile, new Uint8Array(order.buffer, order.byteOffset, order.byteLength)); // little-endian x86
    const jobs = GEOMETRIES.flatMap((g, gi) => CASES.map((c) => ({ g, gi, c })));
    const work = async (): Promise<void> => {
      for (let job = jobs.shift(); job !== undefined; job = jobs.shift()) {
        const { g, gi, c } = job;
        for (const level of g) assert.deepEqual(checkCachegrindGeometry(level), [], `cachegrind accepts ${level.name}`);
        const out = join(dir, `${c.name}-${gi}.out`);
        const scrubBytes = String(4 * g[1]!.sizeBytes);
        const args = c.name === 'list-walk' ? [...c.args, orderFile] : c.args;
        const { stdout } = await run('valgrind', [
          '--tool=cachegrind',
          '--cache-sim=yes',
          `--I1=${formatCachegrindOption(g[0]!)}`,
          `--D1=${formatCachegrindOption(g[0]!)}`,
          `--LL=${formatCachegrindOption(g[1]!)}`,
          `--cachegrind-out-file=${out}`,
          bin,
          scrubBytes,
          ...args,
        ]);
        const bases = /^bases (.*)$/m.exec(stdout)?.[1]?.split(' ').map((h) => parseInt(h, 16));
        assert.ok(bases !== undefined, `harness printed its bases: ${stdout}`);
        measured.push({ geometryIndex: gi, c, counts: readFunctionCounts(out, c.fn), bases });
      }
    };
    await Promise.all([work(), work()]);
  });
  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  for (const [gi, g] of GEOMETRIES.entries()) {
    for (const c of CASES) {
      test(`${c.name}, D1 ${formatCachegrindOption(g[0]!)} LL ${formatCachegrindOption(g[1]!)}: D1 and LL read/write misses within 1%`, (t) => {
        const m = measured.find((x) => x.geometryIndex === gi && x.c === c);
        assert.ok(m, 'cachegrind ran');
        const h = new CacheHierarchy(g);
        const pattern = c.build(m.bases);
        pattern.run(h);
        assert.deepEqual(checkCacheHierarchy(h), []);
        const [d1, ll] = h.levels as [(typeof h.levels)[0], (typeof h.levels)[0]];
        const k = m.counts;
        t.diagnostic(
          `D1mr ${d1.readMisses}/${k['D1mr']} D1mw ${d1.writeMisses}/${k['D1mw']} DLmr ${ll.readMisses}/${k['DLmr']} DLmw ${ll.writeMisses}/${k['DLmw']} (simulator/cachegrind)`,
        );
        // Enough misses that 1% is a real bound (at least 1000 D1 misses for every pattern).
        assert.ok(k['D1mr']! + k['D1mw']! >= 1000, `pattern big enough: ${JSON.stringify(k)}`);
        assertWithinPercent(d1.readMisses, k['D1mr']!, 1, 0, 'D1 read misses');
        assertWithinPercent(d1.writeMisses, k['D1mw']!, 1, 0, 'D1 write misses');
        assertWithinPercent(ll.readMisses, k['DLmr']!, 1, 0, 'LL read misses');
        assertWithinPercent(ll.writeMisses, k['DLmw']!, 1, 0, 'LL write misses');
        // Accesses: the same stream length within 1%, plus the prologue/epilogue register saves cachegrind also
        // sees (and, in matmul-blocked, a few stack spills per tile: stack hits that change no miss count).
        assertWithinPercent(d1.reads + d1.writes, k['Dr']! + k['Dw']!, 1, 16, 'data accesses');
        assert.equal(d1.reads + d1.writes, pattern.accessCount);
      });
    }
  }
});
