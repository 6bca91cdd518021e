// Requests the kernel refuses (1 TiB, 2^47, 2^53 − 1, just past this host's overcommit limit), calloc
// products that overflow, and realloc to such sizes: replayed in the real glibc and in the simulator,
// which must return NULL where glibc does, leave the heap as glibc leaves it, and try the same system
// calls on the way (strace shows which ones the kernel refused).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TraceOp, formatRepTrace, packTraceOps } from '../../../../../shared/sim/trace.js';
import { type MallocOpRecord } from '../../../../../shared/sim/malloc/replay-results.js';
import { createGlibcReplay, runGlibcReplay } from '../../../../../shared/sim/malloc/glibc/replay.js';
import { parseGlibcTunables } from '../../../../../shared/sim/malloc/glibc/params.js';
import { MallocEvent, REFUSED_CALL_NAMES, createMallocEventLog } from '../../../../../shared/sim/malloc/events.js';
import { readHostMapLimitBytes } from '../../../../../electron/host/system/map-limit.js';
import { oracleMissing, requireOracle } from '../../../../helpers/oracles.js';
import { type ReplayMode, compareWithRealGlibc, formatHarnessArgs, getReplayHarness, readModelOptions } from './real-glibc.js';

const a = (id: number, size: number): TraceOp => ({ op: 'a', id, size });
const f = (id: number): TraceOp => ({ op: 'f', id });
const r = (id: number, size: number): TraceOp => ({ op: 'r', id, size });

const TIB = 2 ** 40;
const HUGE_SIZES = [TIB, 2 ** 47, Number.MAX_SAFE_INTEGER];
const LIMIT_BYTES = readHostMapLimitBytes();
const OVERCOMMIT_MODE = Number(readFileSync('/proc/sys/vm/overcommit_memory', 'utf8'));

/** The records of both, which must agree op by op. */
function agree(ops: TraceOp[], tunables = '', mode: ReplayMode = {}): MallocOpRecord[] {
  const c = compareWithRealGlibc(packTraceOps(ops), tunables, mode);
  assert.equal(c.firstDiff, -1, c.report);
  return c.real;
}

/** The region a record's block is in ('null' for NULL). */
function regionOf(rec: MallocOpRecord | undefined): string {
  assert.ok(rec !== undefined && rec.op !== 'f');
  return String(rec.region);
}

/** A heap with chunks in the tcache, fastbins and the unsorted bin: what _int_malloc does before sysmalloc shows. */
const BUSY_HEAP: TraceOp[] = [
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => a(k, 24 + 40 * (k % 3))),
  a(10, 3000), a(11, 3000), a(12, 100),
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => f(k)),
  f(10),
];

/** One line per system call the kernel refused, from strace's log: "mmap 1099511631872". */
function readRefusedCalls(log: string): string[] {
  const out: string[] = [];
  let brk = -1;
  for (const line of log.split('\n')) {
    const mmap = /^mmap\(NULL, (\d+), .*= -1 ENOMEM/.exec(line);
    if (mmap !== null) out.push(`mmap ${mmap[1]}`);
    const mremap = /^mremap\(0x[0-9a-f]+, \d+, (\d+), .*= -1 ENOMEM/.exec(line);
    if (mremap !== null) out.push(`mremap ${mremap[1]}`);
    const b = /^brk\((NULL|0x[0-9a-f]+)\)\s+= (0x[0-9a-f]+)/.exec(line);
    if (b !== null) {
      const got = Number(BigInt(b[2]!));
      if (b[1] !== 'NULL' && Number(BigInt(b[1]!)) !== got) out.push(`brk ${Number(BigInt(b[1]!)) - brk}`);
      brk = got;
    }
  }
  return out;
}

/** The calls the model's sysmalloc had refused, in the same words. */
function readModelRefusals(ops: TraceOp[], tunables: string): string[] {
  const log = createMallocEventLog();
  const replay = createGlibcReplay(packTraceOps(ops), parseGlibcTunables(tunables).params, { ...readModelOptions(), sink: log.sink });
  runGlibcReplay(replay);
  return log.events.filter((e) => e.kind === MallocEvent.refused).map((e) => `${REFUSED_CALL_NAMES[e.a]} ${e.c}`);
}

/** Runs the real harness under strace (found without a PATH: the harness runs with a clean environment). */
function straceRealGlibc(ops: TraceOp[], tunables: string): string {
  const strace = requireOracle('strace');
  const dir = mkdtempSync(join(tmpdir(), 'memscope-strace-'));
  try {
    const logFile = join(dir, 'strace.log');
    const env: Record<string, string> = tunables === '' ? {} : { GLIBC_TUNABLES: tunables };
    const run = spawnSync(strace, ['-o', logFile, '-e', 'trace=brk,mmap,mremap', getReplayHarness(), ...formatHarnessArgs({})], { input: formatRepTrace(packTraceOps(ops)), env });
    assert.ok(run.error === undefined && run.status === 0, `strace ran the harness: ${String(run.error ?? run.stderr)}`);
    return readFileSync(logFile, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('requests the kernel refuses: simulator vs real glibc 2.36', () => {
  for (const size of HUGE_SIZES) {
    test(`malloc(${size}) is NULL and leaves the heap as glibc does`, () => {
      const tunableSets = ['', 'glibc.malloc.tcache_count=0', 'glibc.malloc.mmap_max=0', 'glibc.malloc.mmap_threshold=4096:glibc.malloc.top_pad=0'];
      for (const tunables of tunableSets) {
        const first = agree([a(0, size), a(1, 100), a(2, 200000)], tunables);
        if (size > LIMIT_BYTES) assert.equal(regionOf(first[0]), 'null', 'premise: the kernel refuses it');
        // after fastbin, tcache and unsorted traffic: the consolidation and unsorted scan before sysmalloc stay done
        const busy = agree([...BUSY_HEAP, a(20, size), a(21, 40), a(22, 24), a(23, 2000), f(12), a(24, size), a(25, 60)], tunables);
        if (size > LIMIT_BYTES) assert.equal(regionOf(busy[BUSY_HEAP.length]), 'null');
      }
    });
  }

  test('just past this host\'s limit: mmap refused but brk granted, then both refused', { skip: OVERCOMMIT_MODE !== 0 && 'needs heuristic overcommit (vm.overcommit_memory = 0)' }, () => {
    // mmap asks for size + 8 rounded up to a page; brk for size + top_pad + MINSIZE − top.
    const sizes = [LIMIT_BYTES - 4096, LIMIT_BYTES, LIMIT_BYTES + 200 * 1024];
    const real = sizes.map((size) => agree([a(0, size), a(1, 100)])[0]);
    assert.deepEqual(real.map(regionOf), ['mmap', 'heap', 'null'], 'premise: the three sides of the limit');
  });

  test('the calls on the way are those glibc makes: mmap, then brk, then mmap as MORECORE', { skip: oracleMissing('strace') }, () => {
    const cases: [TraceOp[], string][] = [
      [[a(0, TIB), a(1, 100)], ''],
      [[...BUSY_HEAP, a(20, 2 ** 47)], ''],
      [[a(0, TIB)], 'glibc.malloc.mmap_max=0'],
      [[a(0, 200000), r(0, TIB), a(1, 10)], ''],
    ];
    for (const [ops, tunables] of cases) {
      const log = straceRealGlibc(ops, tunables);
      const real = readRefusedCalls(log);
      assert.ok(real.length > 0, 'premise: the kernel refused something');
      assert.deepEqual(readModelRefusals(ops, tunables), real);
    }
  });

  test('calloc: a product above PTRDIFF_MAX is NULL before anything else; below it, refused on the way', () => {
    const ops = [a(0, 2 ** 31), a(1, 100)];
    // 2^32 × 2^31 = 2^63 and 2^33 × 2^31 = 2^64 (wraps) overflow; (2^32 − 1) × 2^31 does not
    const overflow = agree(ops, '', { useCalloc: true, callocCount: 2 ** 32 });
    assert.equal(overflow[0]?.brk, 0, 'premise: not even the tcache is set up');
    agree(ops, '', { useCalloc: true, callocCount: 2 ** 33 });
    const refused = agree(ops, '', { useCalloc: true, callocCount: 2 ** 32 - 1 });
    assert.ok((refused[0]?.brk ?? 0) > 0 && regionOf(refused[0]) === 'null', 'premise: the tcache is set up, the request refused');
    agree([a(0, 1000), f(0), ...ops], 'glibc.malloc.tcache_count=0', { useCalloc: true, callocCount: 2 ** 32 - 1 });
  });

  test('realloc to a refused size is NULL and the old block stays allocated', () => {
    for (const size of HUGE_SIZES) {
      // a heap chunk with top after it, one with a free chunk after it, and an mmapped one
      const real = agree([a(0, 100), r(0, size), a(1, 100), a(2, 5000), a(3, 100), f(2), r(1, size), a(4, 5000), a(5, 200000), r(5, size), a(6, 200000), f(6), a(7, 100)]);
      for (const i of [1, 6, 9]) assert.equal(regionOf(real[i]), size > LIMIT_BYTES ? 'null' : regionOf(real[i]), `op ${i}`);
      const b0 = real[0] as Extract<MallocOpRecord, { op: 'a' | 'r' }>;
      const b2 = real[2] as Extract<MallocOpRecord, { op: 'a' | 'r' }>;
      assert.notEqual(b2.offset, b0.offset, 'premise: the block realloc kept is not handed out again');
    }
  });
});
