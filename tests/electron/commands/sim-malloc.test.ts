// `memscope sim malloc` as a user runs it: its jsonl is byte for byte what the real glibc prints
// (tests/harness/malloc-replay.c) for the same trace and GLIBC_TUNABLES; its summary's numbers are
// re-derived here from the real glibc's records; its table has a row per op; bad input fails in one line.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI_PATH, MALLOCLAB_TRACES_DIR } from '../../helpers/paths.js';
import { oracleMissing } from '../../helpers/oracles.js';
import { type CliResult, assertOneLineError, runMemscope } from '../../helpers/cli.js';
import { formatJsonTrace, formatRepTrace, parseTrace } from '../../../shared/sim/trace.js';
import { WORKLOADS, generateWorkload } from '../../../shared/sim/malloc/workloads.js';
import { type MallocOpRecord, parseOpRecordsJsonl } from '../../../shared/sim/malloc/replay-results.js';
import { getReplayHarness } from '../../shared/sim/malloc/glibc/real-glibc.js';
import { replayWithRealTcmalloc } from '../../shared/sim/malloc/tcmalloc/real-tcmalloc.js';

const traceFile = (name: string): string => join(MALLOCLAB_TRACES_DIR, name);

function memscope(args: string[], input?: string): CliResult {
  return runMemscope(['sim', 'malloc', ...args], input === undefined ? {} : { input });
}

function memscopeOk(args: string[], input?: string): string {
  const r = memscope(args, input);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout;
}

function assertFails(r: CliResult, code: number, pattern: RegExp): void {
  assertOneLineError(r, code, pattern);
  assert.equal(r.stdout, '');
}

/** The real glibc's jsonl for a trace file, environment holding only GLIBC_TUNABLES. */
function runRealGlibc(path: string, tunables: string): string {
  return execFileSync(getReplayHarness(), [path], { env: tunables === '' ? {} : { GLIBC_TUNABLES: tunables }, maxBuffer: 1 << 30 }).toString();
}

/** The real glibc's replay of a trace file that may kill it: stdout, stderr and the signal. */
function runRealGlibcToDeath(path: string, tunables: string): { stdout: string; stderr: string; signal: string | null } {
  const r = spawnSync(getReplayHarness(), [path], { env: tunables === '' ? {} : { GLIBC_TUNABLES: tunables }, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** What a summary should say, derived from the real glibc's records alone. */
interface DerivedSummary {
  ops: number;
  a: number;
  f: number;
  r: number;
  nulls: number;
  finalBrk: number;
  peakBrk: number;
  peakOp: number;
  inUse: number;
  fragmentation: string;
  fragmentationAtPeak: string;
  fragmentationMean: string;
  mmappedCount: number;
  mmappedBytes: number;
  servedTotal: number;
  servedMmap: number;
  freedTotal: number;
  brkGrowOps: number;
  brkTrimOps: number;
}

/** A block a record says the program holds: a heap chunk (usable + SIZE_SZ bytes) or an mmapped one. */
interface Block {
  region: 'heap' | 'mmap';
  offset: number | null;
  bytes: number;
}

function blockOf(rec: MallocOpRecord): Block | null {
  if (rec.op === 'f' || rec.region === null) return null;
  return rec.region === 'heap' ? { region: 'heap', offset: rec.offset, bytes: rec.usable + 8 } : { region: 'mmap', offset: null, bytes: rec.mmap_size ?? NaN };
}

const percent = (share: number): string => `${(share * 100).toFixed(2)}%`;

/**
 * Replays the C semantics over the records: `a` on a held id leaks the old block (still in use),
 * `f` frees, `r` frees the old block when it moved or on r ID 0. The first malloc places the
 * tcache's own chunk at the heap's start, so the first heap block's offset − 16 is its size; it is
 * in use from the first op that grew the heap (even when that op's own request was refused).
 */
function deriveSummary(records: MallocOpRecord[]): DerivedSummary {
  const held = new Map<number, Block>();
  const leaked: Block[] = [];
  const firstHeap = records.map(blockOf).find((b) => b?.region === 'heap');
  const tcacheChunk = firstHeap === undefined || firstHeap === null ? 0 : firstHeap.offset! - 16;
  const d: DerivedSummary = {
    ops: records.length, a: 0, f: 0, r: 0, nulls: 0, finalBrk: 0, peakBrk: 0, peakOp: -1, inUse: 0,
    fragmentation: '', fragmentationAtPeak: '', fragmentationMean: '', mmappedCount: 0, mmappedBytes: 0,
    servedTotal: 0, servedMmap: 0, freedTotal: 0, brkGrowOps: 0, brkTrimOps: 0,
  };
  let prevBrk = 0;
  let fragSum = 0;
  let fragOps = 0;
  for (const rec of records) {
    d[rec.op]++;
    const old = held.get(rec.id) ?? null;
    const block = blockOf(rec);
    if (rec.op === 'a') {
      if (old !== null) leaked.push(old);
      if (block !== null) { d.servedTotal++; if (block.region === 'mmap') d.servedMmap++; }
    } else if (rec.op === 'f') {
      if (old !== null) d.freedTotal++;
    } else if (old === null) {
      if (block !== null) { d.servedTotal++; if (block.region === 'mmap') d.servedMmap++; }
    } else if (rec.size === 0) {
      d.freedTotal++;
    } else if (block === null) {
      leaked.push(old); // realloc failed: the old block stays allocated, its pointer lost
    } else if (block.region !== old.region || (block.region === 'heap' && block.offset !== old.offset)) {
      d.servedTotal++; // moved: a new block was handed out and the old one freed
      d.freedTotal++;
      if (block.region === 'mmap') d.servedMmap++;
    }
    if (rec.op !== 'f' && rec.size > 0 && block === null) d.nulls++;
    if (block === null) held.delete(rec.id);
    else held.set(rec.id, block);
    if (rec.brk > prevBrk) d.brkGrowOps++;
    if (rec.brk < prevBrk) d.brkTrimOps++;
    prevBrk = rec.brk;
    let inUse = rec.brk > 0 ? tcacheChunk : 0;
    let mmappedCount = 0;
    let mmappedBytes = 0;
    for (const b of [...held.values(), ...leaked]) {
      if (b.region === 'heap') inUse += b.bytes;
      else { mmappedCount++; mmappedBytes += b.bytes; }
    }
    d.finalBrk = rec.brk;
    d.inUse = inUse;
    d.mmappedCount = mmappedCount;
    d.mmappedBytes = mmappedBytes;
    const frag = rec.brk > 0 ? (rec.brk - inUse) / rec.brk : null;
    d.fragmentation = frag === null ? 'n/a' : percent(frag);
    if (rec.brk > d.peakBrk || d.peakOp < 0) {
      d.peakBrk = rec.brk;
      d.peakOp = rec.i;
      d.fragmentationAtPeak = d.fragmentation;
    }
    if (frag !== null) { fragSum += frag; fragOps++; }
  }
  d.fragmentationMean = fragOps > 0 ? percent(fragSum / fragOps) : 'n/a';
  return d;
}

function matchLine(text: string, re: RegExp): string[] {
  const m = re.exec(text);
  assert.ok(m, `summary has no line matching ${re}:\n${text}`);
  return m.slice(1);
}

/** "tcache 3, fastbin 0, …" → { tcache: 3, fastbin: 0, … }. */
function parseCounts(text: string, label: string): Record<string, number> {
  const [list] = matchLine(text, new RegExp(`^${label}\\s+(.*)$`, 'm'));
  const out: Record<string, number> = {};
  for (const item of (list ?? '').split(', ')) {
    const m = /^(\S+) (\d+)$/.exec(item);
    assert.ok(m, `bad count '${item}' in ${label}`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** Checks every number of a glibc summary against the real glibc's records for the same trace. */
function assertSummaryMatches(summary: string, records: MallocOpRecord[]): { served: Record<string, number>; freed: Record<string, number> } {
  const d = deriveSummary(records);
  assert.deepEqual(matchLine(summary, /^ops\s+(\d+) \(a (\d+), f (\d+), r (\d+); (\d+) returned NULL\)$/m).map(Number), [d.ops, d.a, d.f, d.r, d.nulls]);
  assert.equal(Number(matchLine(summary, /^final brk\s+(\d+) bytes/m)[0]), d.finalBrk);
  assert.deepEqual(matchLine(summary, /^peak heap\s+(\d+) bytes.*after op (\d+)\)$/m).map(Number), [d.peakBrk, d.peakOp]);
  assert.equal(Number(matchLine(summary, /^in use\s+(\d+) bytes/m)[0]), d.inUse);
  assert.deepEqual(matchLine(summary, /^fragmentation\s+(\S+) final, (\S+) at peak, (\S+) mean over ops/m), [d.fragmentation, d.fragmentationAtPeak, d.fragmentationMean]);
  assert.deepEqual(matchLine(summary, /^mmapped\s+(\d+) chunks, (\d+) bytes/m).map(Number), [d.mmappedCount, d.mmappedBytes]);
  assert.deepEqual(matchLine(summary, /^brk\s+(\d+) grows, (\d+) trims$/m).map(Number), [d.brkGrowOps, d.brkTrimOps]);
  const served = parseCounts(summary, 'served by path');
  assert.deepEqual(Object.keys(served), ['tcache', 'fastbin', 'smallbin', 'unsorted', 'largebin', 'remainder', 'top', 'mmap']);
  assert.equal(sum(served), d.servedTotal, 'requests served = blocks handed out (mallocs, realloc(NULL), moves)');
  assert.equal(served['mmap'], d.servedMmap);
  const freed = parseCounts(summary, 'freed into');
  assert.equal(sum(freed), d.freedTotal, 'frees = held blocks given back (free, realloc(p, 0), moves)');
  return { served, freed };
}

describe('memscope sim malloc', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'memscope-sim-malloc-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('--format jsonl is what the real glibc prints', () => {
    const traces = ['binary2-bal.rep', 'realloc-bal.rep', 'coalescing-bal.rep'];
    const tunableSets = ['', 'glibc.malloc.tcache_count=0:glibc.malloc.mmap_threshold=65536', 'glibc.malloc.mxfast=0:glibc.malloc.top_pad=0:glibc.malloc.trim_threshold=4096'];
    for (const name of traces) {
      for (const tunables of tunableSets) {
        test(`${name} GLIBC_TUNABLES='${tunables}'`, () => {
          const real = runRealGlibc(traceFile(name), tunables);
          const sim = memscopeOk(['--format', 'jsonl', '--tunables', tunables, traceFile(name)]);
          assert.ok(real.length > 0);
          assert.equal(sim, real);
        });
      }
    }

    test('a trace of several MiB is streamed in chunks (lines cut at chunk ends) from a file and from stdin', () => {
      const trace = generateWorkload('random', { seed: 1, opCount: 300_000 });
      const file = join(dir, 'big.rep');
      const text = formatRepTrace(trace);
      assert.ok(text.length > 2.5 * (1 << 20), 'spans several 1 MiB chunks');
      writeFileSync(file, text);
      const withoutSource = (summary: string): string => summary.replace(/^trace .*$/m, '');
      const expected = withoutSource(memscopeOk(['--workload', 'random', '--ops', '300000', '--seed', '1']));
      assert.equal(withoutSource(memscopeOk([file])), expected);
      assert.equal(withoutSource(memscopeOk(['-'], text)), expected);
    });

    test('the same trace as JSON on standard input gives the same records', () => {
      const trace = parseTrace(readFileSync(traceFile('realloc2-bal.rep'), 'utf8'));
      const real = runRealGlibc(traceFile('realloc2-bal.rep'), '');
      assert.equal(memscopeOk(['-f', 'jsonl', '-'], formatJsonTrace(trace)), real);
    });

    test('a built-in workload equals the real glibc replaying the generated trace', () => {
      const trace = generateWorkload('random', { seed: 7, opCount: 20000 });
      const file = join(dir, 'random-7.rep');
      writeFileSync(file, formatRepTrace(trace));
      const tunables = 'glibc.malloc.tcache_count=2:glibc.malloc.mmap_threshold=200000';
      const real = runRealGlibc(file, tunables);
      const records = parseOpRecordsJsonl(real);
      assert.ok(records.some((r) => r.op !== 'f' && r.region === 'mmap'), 'premise: the workload reaches mmap');
      assert.equal(memscopeOk(['-f', 'jsonl', '--tunables', tunables, '--workload', 'random', '--ops', '20000', '--seed', '7']), real);
    });

    test('an unknown tunable is warned about and ignored, as glibc ignores it', () => {
      const tunables = 'glibc.malloc.no_such_thing=5:glibc.malloc.tcache_count=1';
      const r = memscope(['-f', 'jsonl', '--tunables', tunables, traceFile('binary-bal.rep')]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, runRealGlibc(traceFile('binary-bal.rep'), tunables));
      assert.match(r.stderr, /^memscope: warning: .*'glibc\.malloc\.no_such_thing'.*ignored/);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1);
    });
  });

  describe('--format summary agrees with the real glibc records', () => {
    const cases: [string, () => { args: string[]; file: string }, string][] = [
      ['realloc-bal.rep', () => ({ args: [traceFile('realloc-bal.rep')], file: traceFile('realloc-bal.rep') }), ''],
      ['cccp-bal.rep', () => ({ args: [traceFile('cccp-bal.rep')], file: traceFile('cccp-bal.rep') }), 'glibc.malloc.trim_threshold=0:glibc.malloc.top_pad=0'],
      ...(['', 'glibc.malloc.tcache_count=0:glibc.malloc.mmap_threshold=65536'] as const).map((tunables): [string, () => { args: string[]; file: string }, string] => [
        'workload random --ops 20000 --seed 5',
        () => {
          const file = join(dir, 'random-5.rep');
          writeFileSync(file, formatRepTrace(generateWorkload('random', { seed: 5, opCount: 20000 })));
          return { args: ['--workload', 'random', '--ops', '20000', '--seed', '5'], file };
        },
        tunables,
      ]),
      ['workload big-churn --ops 3000', () => {
        const file = join(dir, 'big-churn.rep');
        writeFileSync(file, formatRepTrace(generateWorkload('big-churn', { seed: 1, opCount: 3000 })));
        return { args: ['--workload', 'big-churn', '--ops', '3000'], file };
      }, ''],
    ];
    for (const [label, setup, tunables] of cases) {
      test(`${label} GLIBC_TUNABLES='${tunables}'`, (t) => {
        const { args, file } = setup();
        const records = parseOpRecordsJsonl(runRealGlibc(file, tunables));
        const summary = memscopeOk(['--tunables', tunables, ...args]);
        const { served, freed } = assertSummaryMatches(summary, records);
        if (tunables.includes('tcache_count=0')) {
          assert.equal(served['tcache'], 0, 'glibc.malloc.tcache_count=0: nothing comes from the tcache');
          assert.equal(freed['tcache'], 0, 'glibc.malloc.tcache_count=0: nothing goes into the tcache');
        }
        t.diagnostic(summary.split('\n').filter((l) => /^(served|fragmentation|brk )/.test(l)).join(' | '));
      });
    }

    test('premises: the cases above exercise realloc moves, trims and mmap', () => {
      const records = parseOpRecordsJsonl(runRealGlibc(traceFile('realloc-bal.rep'), ''));
      const d = deriveSummary(records);
      assert.ok(d.r > 0 && d.servedTotal > d.a, 'realloc-bal moves blocks');
      const file = join(dir, 'random-5p.rep');
      writeFileSync(file, formatRepTrace(generateWorkload('random', { seed: 5, opCount: 20000 })));
      const w = deriveSummary(parseOpRecordsJsonl(runRealGlibc(file, '')));
      assert.ok(w.servedMmap > 0 && w.brkTrimOps > 0 && w.nulls === 0, JSON.stringify(w));
    });

    test('the default tunables do use the tcache (so the tcache_count=0 check can fail)', () => {
      const summary = memscopeOk(['--workload', 'random', '--ops', '20000', '--seed', '5']);
      const served = parseCounts(summary, 'served by path');
      assert.ok(served['tcache']! > 0);
    });
  });

  describe('--format table', () => {
    test('one row per op: the real glibc result, chunk size, and brk growth in words', () => {
      const name = 'cp-decl-bal.rep';
      const tunables = '';
      const records = parseOpRecordsJsonl(runRealGlibc(traceFile(name), tunables));
      const trace = parseTrace(readFileSync(traceFile(name), 'utf8'));
      const table = memscopeOk(['--format', 'table', '--tunables', tunables, traceFile(name)]);
      const [header, ...rows] = table.trimEnd().split('\n');
      assert.match(header ?? '', /^\s+i op\s+id\s+size\s+result\s+chunk\s+path\s+events$/);
      assert.equal(rows.length, trace.length);
      let prevBrk = 0;
      let grows = 0;
      let trims = 0;
      rows.forEach((row, i) => {
        const rec = records[i]!;
        const m = /^\s*(\d+) ([afr])\s+(\d+)\s+(\d*)\s+(heap 0x[0-9a-f]+|mmap|NULL|-)\s+(\d+|-)\s+(\S+(?: \S+)*)(?:\s{2,}(.*))?$/.exec(row);
        assert.ok(m, `row ${i}: '${row}'`);
        assert.deepEqual([Number(m[1]), m[2], Number(m[3])], [rec.i, rec.op, rec.id], `row ${i}`);
        if (rec.op === 'f') {
          assert.deepEqual([m[4], m[5], m[6]], ['', '-', '-'], `row ${i}`);
        } else {
          assert.equal(Number(m[4]), rec.size, `row ${i}`);
          const want = rec.region === 'heap' ? `heap 0x${rec.offset!.toString(16)}` : rec.region === 'mmap' ? 'mmap' : 'NULL';
          assert.equal(m[5], want, `row ${i}`);
          const chunk = rec.region === 'heap' ? String(rec.usable + 8) : rec.region === 'mmap' ? String(rec.mmap_size) : '-';
          assert.equal(m[6], chunk, `row ${i}`);
        }
        const events = m[8] ?? '';
        assert.equal(/brk grows/.test(events), rec.brk > prevBrk, `row ${i}: brk ${prevBrk} → ${rec.brk}, events '${events}'`);
        assert.equal(/brk trims/.test(events), rec.brk < prevBrk, `row ${i}: brk ${prevBrk} → ${rec.brk}, events '${events}'`);
        if (rec.brk > prevBrk) grows++;
        if (rec.brk < prevBrk) trims++;
        prevBrk = rec.brk;
      });
      assert.ok(grows > 0 && trims > 0, `premise: the trace grows and trims the heap (${grows}, ${trims})`);
    });

    test('mmapped requests are served by mmap and freed with munmap', () => {
      const file = join(dir, 'big-churn-t.rep');
      const trace = generateWorkload('big-churn', { seed: 2, opCount: 400 });
      writeFileSync(file, formatRepTrace(trace));
      const records = parseOpRecordsJsonl(runRealGlibc(file, ''));
      const rows = memscopeOk(['-f', 'table', '--workload', 'big-churn', '--ops', '400', '--seed', '2']).trimEnd().split('\n').slice(1);
      assert.equal(rows.length, trace.length);
      let mmaps = 0;
      records.forEach((rec, i) => {
        if (rec.op === 'a' && rec.region === 'mmap') {
          mmaps++;
          assert.match(rows[i]!, /\smmap\s+\d+\s+mmap(\s|$)/, `row ${i}`);
        }
      });
      assert.ok(mmaps > 0, 'premise: big-churn mmaps');
    });
  });

  describe('--allocator tcmalloc', () => {
    test('jsonl offsets, usable sizes and brk are what the real TCMalloc did', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
      const trace = parseTrace(readFileSync(traceFile('binary2-bal.rep'), 'utf8'));
      const real = replayWithRealTcmalloc(trace, {}, trace.length);
      const records = parseOpRecordsJsonl(memscopeOk(['--allocator', 'tcmalloc', '-f', 'jsonl', traceFile('binary2-bal.rep')]));
      assert.equal(records.length, trace.length);
      records.forEach((rec, i) => {
        const r = real.ops[i]!;
        const got = rec.op === 'f' ? [null, 0, rec.brk] : [rec.offset, rec.usable, rec.brk];
        assert.deepEqual(got, [r.offset, r.usable, r.brk], `op ${i}`);
      });
    });

    test('the summary counts thread-cache hits and ends with the real statistics', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
      const trace = parseTrace(readFileSync(traceFile('binary2-bal.rep'), 'utf8'));
      const real = replayWithRealTcmalloc(trace, {}, trace.length);
      const summary = memscopeOk(['--allocator', 'tcmalloc', traceFile('binary2-bal.rep')]);
      const stats = real.ops.at(-1)!.stats!; // TCMALLOC_STATS_KEYS order: current_allocated_bytes, heap_size, …
      assert.equal(Number(matchLine(summary, /^in use\s+(\d+) bytes/m)[0]), stats[0]);
      assert.equal(Number(matchLine(summary, /^heap size\s+(\d+) bytes/m)[0]), stats[1]);
      assert.equal(Number(matchLine(summary, /^final brk\s+(\d+) bytes/m)[0]), real.ops.at(-1)!.brk);
      const served = parseCounts(summary, 'served by path');
      assert.equal(sum(served), trace.length / 2, 'binary2-bal: every a is served');
    });

    test('--tunables takes TCMALLOC_* settings; anything else is a usage error', () => {
      assertFails(memscope(['--allocator', 'tcmalloc', '--tunables', 'glibc.malloc.tcache_count=0', traceFile('short1-bal.rep')]), 2, /--tunables: .*glibc\.malloc\.tcache_count.*TCMALLOC_/);
    });
  });

  describe('a program that misuses the heap stops where the real one dies', () => {
    test('double free: the ops before it, then glibc\'s own message with the op (exit 1)', () => {
      const file = join(dir, 'double-free.rep');
      writeFileSync(file, '2\n4\na 0 24\na 1 5000\nf 0\nf 0\na 1 10\n');
      const real = runRealGlibcToDeath(file, '');
      assert.equal(real.signal, 'SIGABRT', 'premise: glibc aborts');
      const glibcMessage = real.stderr.split('\n')[0]!;
      assert.equal(glibcMessage, 'free(): double free detected in tcache 2');
      const jsonl = memscope(['-f', 'jsonl', file]);
      assertOneLineError(jsonl, 1, /double-free\.rep: op 3 \(f 0\): free\(\): double free detected in tcache 2; glibc aborts the program here \(SIGABRT\)$/);
      assert.equal(jsonl.stdout, real.stdout, 'the records of the ops before the abort are the real ones');
      const table = memscope(['-f', 'table', file]);
      assertOneLineError(table, 1, /op 3 \(f 0\): free\(\): double free detected in tcache 2/);
      assert.equal(table.stdout.trimEnd().split('\n').length, 1 + 3, 'the heading and a row for each op before it');
      assertFails(memscope([file]), 1, /op 3 \(f 0\): free\(\): double free detected in tcache 2/);
    });

    test('a double free glibc does not detect: the model says so and stops (exit 1)', () => {
      const file = join(dir, 'fastbin-dup.rep');
      writeFileSync(file, 'a 0 24\na 1 24\nf 0\nf 1\nf 0\na 2 24\n');
      const tunables = 'glibc.malloc.tcache_count=0';
      const real = runRealGlibcToDeath(file, tunables);
      assert.equal(real.signal, null, 'premise: the real program carries on');
      const r = memscope(['-f', 'jsonl', '--tunables', tunables, file]);
      assertOneLineError(r, 1, /op 4 \(f 0\): double free of the block at 0x2a0 \(a 32-byte chunk in fastbin 0\).*; glibc does not detect it/);
      assert.equal(r.stdout, real.stdout.split('\n').slice(0, 4).join('\n') + '\n');
    });

    test('TCMalloc does not detect a double free either: the model says so and stops (exit 1)', () => {
      const file = join(dir, 'tc-double-free.rep');
      writeFileSync(file, 'a 0 24\nf 0\nf 0\na 1 24\n');
      const r = memscope(['--allocator', 'tcmalloc', '-f', 'table', file]);
      assertOneLineError(r, 1, /op 2 \(f 0\): free\(\) of the freed block at 0x[0-9a-f]+ \(a 32-byte object .* free in a thread cache\); TCMalloc does not detect it/);
    });

    test('a free of an id no op allocated is a malformed trace (exit 1)', () => {
      assertFails(memscope(['-f', 'jsonl', '-'], 'a 0 24\nf 0\nf 3\n'), 1, /<stdin>: line 3: free of unknown id 3 at op 2/);
    });
  });

  describe('requests the kernel refuses', () => {
    test('1 TiB, 2^47 and 2^53 − 1 bytes: NULL where the real glibc returns NULL, in every format', () => {
      const file = join(dir, 'huge.rep');
      writeFileSync(file, `a 0 ${2 ** 40}\na 1 100\nr 1 ${2 ** 47}\na 2 ${Number.MAX_SAFE_INTEGER}\na 3 200000\nr 3 ${2 ** 40}\nf 1\n`);
      const real = runRealGlibc(file, '');
      const records = parseOpRecordsJsonl(real);
      assert.deepEqual(records.map((x) => (x.op === 'f' ? 'f' : x.region)), [null, 'heap', null, null, 'mmap', null, 'f'], 'premise: the kernel refuses them here');
      assert.equal(memscopeOk(['-f', 'jsonl', file]), real);
      const summary = memscopeOk([file]);
      assertSummaryMatches(summary, records);
      assert.match(summary, /^refused\s+\d+ brk\/mmap\/mremap calls refused by the kernel \(ENOMEM\)$/m);
      const rows = memscopeOk(['-f', 'table', file]).trimEnd().split('\n').slice(1);
      assert.match(rows[0]!, /^\s+0 a\s+0 1099511627776  NULL\s+-\s+NULL\s+.*mmap of \d+ bytes refused \(ENOMEM\); brk of \d+ bytes refused/);
      const tc = memscopeOk(['--allocator', 'tcmalloc', '-f', 'jsonl', file]);
      assert.deepEqual(parseOpRecordsJsonl(tc).map((x) => (x.op === 'f' ? 'f' : x.region)), [null, 'heap', null, null, 'heap', null, 'f']);
    });
  });

  describe('a malloclab trace is replayed chunk by chunk as it is read (issue 13)', () => {
    /** 100,000 ops (a and f of ids 0 … 49,999, about 1 MB: several of the reader's chunks), then `tail`. */
    const manyOps = (tail: string): string => {
      const lines: string[] = [];
      for (let id = 0; id < 50_000; id++) lines.push(`a ${id} ${24 + (id % 7) * 100}`, `f ${id}`);
      return lines.join('\n') + '\n' + tail;
    };

    test('jsonl across chunks is byte for byte the real glibc\'s, file and stdin; the summary agrees with its records', () => {
      const file = join(dir, 'chunks.rep');
      writeFileSync(file, formatRepTrace(generateWorkload('random', { seed: 3, opCount: 150_000 })));
      const real = runRealGlibc(file, '');
      assert.equal(memscopeOk(['-f', 'jsonl', file]), real);
      assert.equal(memscopeOk(['-f', 'jsonl', '-'], readFileSync(file, 'utf8')), real);
      assertSummaryMatches(memscopeOk([file]), parseOpRecordsJsonl(real));
    });

    test('a malformed line after many good ones: exit 1 naming its line; the summary prints nothing, jsonl only the ops before it', () => {
      const file = join(dir, 'late-bad.rep');
      writeFileSync(file, manyOps('a 1 2 3\n'));
      assertFails(memscope([file]), 1, /late-bad\.rep: line 100001: unexpected '3' after 'a 1 2'/);
      const jsonl = memscope(['-f', 'jsonl', file]);
      assertOneLineError(jsonl, 1, /late-bad\.rep: line 100001: /);
      const records = parseOpRecordsJsonl(jsonl.stdout);
      assert.ok(records.length < 100_000, 'no record of an op the trace does not hold completely');
      records.forEach((r, i) => assert.equal(r.i, i));
    });

    test('a line over 64 KiB (/dev/zero, a binary, wherever the chunks cut it) is refused: exit 1, one line, nothing held beyond it', () => {
      assertFails(memscope(['/dev/zero']), 1, /\/dev\/zero: line 1: longer than 64 KiB: not a trace line/);
      const file = join(dir, 'long-line.rep');
      writeFileSync(file, `a 0 24\nf 0\n${'#'.repeat(200_000)}\na 1 8\n`);
      assertFails(memscope(['-f', 'jsonl', file]), 1, /long-line\.rep: line 3: longer than 64 KiB/);
    });

    test('a misuse after many chunks names its op in the whole trace; a malformed line after it still wins, as when read whole', () => {
      const file = join(dir, 'late-misuse.rep');
      writeFileSync(file, manyOps('a 0 24\nf 0\nf 0\n'));
      const message = /late-misuse\.rep: op 100002 \(f 0\): free\(\): double free detected in tcache 2/;
      assertFails(memscope([file]), 1, message);
      const jsonl = memscope(['-f', 'jsonl', file]);
      assertOneLineError(jsonl, 1, message);
      const records = parseOpRecordsJsonl(jsonl.stdout);
      assert.equal(records.length, 100_002);
      assert.equal(records.at(-1)?.i, 100_001);
      const both = join(dir, 'misuse-then-bad.rep');
      writeFileSync(both, 'a 0 24\nf 0\nf 0\n' + manyOps('q\n'));
      assertFails(memscope([both]), 1, /misuse-then-bad\.rep: line 100004: unknown op 'q'/);
    });
  });

  describe('errors are one line', () => {
    test('a malformed trace names the line: exit 1', () => {
      const file = join(dir, 'bad.rep');
      writeFileSync(file, '2\n3\na 0 10\nf 0\nq 1 5\n');
      assertFails(memscope([file]), 1, /bad\.rep: line 5: unknown op 'q'/);
      assertFails(memscope(['-f', 'jsonl', '-'], 'a 0 10\nr 0\n'), 1, /<stdin>: line 2: 'r' needs an ID and a SIZE/);
      assertFails(memscope(['-'], '[{"op":"a","id":0,"size":8},\n {"op":"a","id":1}]'), 1, /<stdin>: line 2: op 1: size/);
    });

    test('a memscope-trace 2 with threads and memalign runs through both models; a and f give the v1 records plus tid, arena and heap', () => {
      const text = '# memscope-trace 2 cpus=4\na 0 8\n@ 1\na 1 64\n';
      assert.match(memscopeOk(['-a', 'tcmalloc', '-f', 'table', '-'], '# memscope-trace 2 cpus=4\na 0 8\n@ 1\nm 1 64 100\n'), /^\s+1 m\s+1\s+100\s+heap 0x\w+\s+128 /m, 'tcmalloc runs memalign on threads');
      assert.match(memscopeOk(['-f', 'table', '-'], text), /^\s+1 a\s+1\s+64 /m, 'glibc runs threads');
      // glibc runs v2 with threads: the v1 record of each op, plus tid, arena and heap
      const v2 = memscopeOk(['-f', 'jsonl', '-'], '# memscope-trace 2 cpus=4 brk0=55d0c3a2e000\na 0 10\nf 0\n');
      const v1 = memscopeOk(['-f', 'jsonl', '-'], 'a 0 10\nf 0\n');
      assert.deepEqual(v2.trim().split('\n').map((l) => JSON.parse(l) as object), [
        { ...(JSON.parse(v1.split('\n')[0]!) as object), tid: 0, arena: 0, heap: null },
        { ...(JSON.parse(v1.split('\n')[1]!) as object), tid: 0 },
      ]);
    });

    test('an unknown workload lists the known ones: exit 2', () => {
      const r = memscope(['--workload', 'nope']);
      assertFails(r, 2, /unknown workload "nope"/);
      for (const w of WORKLOADS) assert.ok(r.stderr.includes(w.name), w.name);
    });

    test('bad tunables name the bad part: exit 2', () => {
      assertFails(memscope(['--tunables', 'glibc.malloc.tcache_count=70000', traceFile('short1-bal.rep')]), 2, /'glibc\.malloc\.tcache_count=70000' is out of range/);
      assertFails(memscope(['--tunables', 'glibc.malloc.top_pad=0:glibc.malloc.tcache_count', traceFile('short1-bal.rep')]), 2, /'glibc\.malloc\.tcache_count' is not NAME=VALUE/);
      assertFails(memscope(['--tunables', 'glibc.malloc.mmap_threshold=64k', traceFile('short1-bal.rep')]), 2, /'glibc\.malloc\.mmap_threshold=64k': the value is not a number/);
    });

    test('a missing file cannot be read: exit 1 (a run-time failure)', () => {
      assertFails(memscope([join(dir, 'no-such.rep')]), 1, /cannot read .*no-such\.rep": no such file/);
      assertFails(memscope([dir]), 1, /cannot read .*": is a directory/);
    });

    test('bad usage: exit 2', () => {
      assertFails(memscope([]), 2, /expected TRACE/);
      assertFails(memscope(['--allocator', 'jemalloc', traceFile('short1-bal.rep')]), 2, /unknown --allocator "jemalloc"/);
      assertFails(memscope(['--format', 'csv', traceFile('short1-bal.rep')]), 2, /unknown --format "csv"/);
      assertFails(memscope(['--workload', 'random', traceFile('short1-bal.rep')]), 2, /TRACE or --workload, not both/);
      assertFails(memscope(['--ops', '5', traceFile('short1-bal.rep')]), 2, /--ops and --seed go with --workload/);
      assertFails(memscope(['--workload', 'random', '--ops', '1e3']), 2, /--ops "1e3"/);
    });

    test('--ops past its documented bound (5000000, named in --help) is bad usage, refused before any work', () => {
      assertFails(runMemscope(['sim', 'malloc', '--workload', 'random', '--ops', '5000001'], { timeoutMs: 20_000 }), 2, /--ops "5000001" is not an integer from 1 to 5000000/);
      assert.match(memscopeOk(['--help']), /--ops N ops, default 10000, at most 5000000/);
    });
  });

  test('output streams: a reader that leaves early ends it quietly with exit 0', async () => {
    const child = spawn(process.execPath, [CLI_PATH, 'sim', 'malloc', '-f', 'table', '--workload', 'random', '--ops', '1000000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    let firstLine = '';
    await new Promise<void>((resolve) => {
      child.stdout.once('data', (d: Buffer) => {
        firstLine = d.toString().split('\n')[0] ?? '';
        child.stdout.destroy(); // like `| head -1`
        resolve();
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.match(firstLine, /^\s+i op/);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
  });
});

