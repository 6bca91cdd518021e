// The claim users rely on (issue 12 §3): a program recorded once, its heap footprint predicted under each
// allocator variant (`sim malloc --variants`) equals the footprint of the same program really run under that
// variant (`memscope record --measure`, the shim's own counters): exactly for deterministic single-threaded
// programs, within 5 % for multi-threaded ones; and a recording with --addresses replays arena for arena.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildHarness } from '../../../helpers/c-build.js';
import { assertOneLineError, runMemscope, type CliResult } from '../../../helpers/cli.js';
import { oracleMissing, requireOracle } from '../../../helpers/oracles.js';
import { CLI_PATH } from '../../../helpers/paths.js';
import { opLines, readRecordedTrace } from '../../../electron/commands/record-trace.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-predict-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `memscope record ARGS…` with extra environment (the variant's GLIBC_TUNABLES). */
function record(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI_PATH, 'record', ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    cwd: dir,
    env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache'), ...env },
    maxBuffer: 1 << 26,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Footprint {
  peak: number;
  peakOp: number;
  final: number;
}

interface PredictedVariant {
  name: string;
  allocator: string;
  env: string;
  simulated: boolean;
  peak_bytes: number | null;
  peak_op: number | null;
  final_bytes: number | null;
  error: string | null;
}

const MEASURED = /footprint (\d+) bytes peak \(after op (\d+)\), (\d+) bytes at exit \(measured: /;

/** The footprint `record` reported on stderr. */
function readMeasured(r: CliResult): Footprint {
  assert.equal(r.code, 0, r.stderr);
  const m = MEASURED.exec(r.stderr);
  assert.ok(m, r.stderr);
  return { peak: Number(m[1]), peakOp: Number(m[2]), final: Number(m[3]) };
}

/** Records cmd into trace: the footprint the shim measured, from the trace's `# footprint` line. */
function recordFootprint(trace: string, cmd: string[], env: NodeJS.ProcessEnv = {}): Footprint {
  const r = record(['-o', trace, '--', ...cmd], env);
  assert.equal(r.code, 0, r.stderr);
  const f = readRecordedTrace(trace).footprint;
  assert.ok(f, 'the trace ends with # footprint');
  return { peak: f.peakBytes, peakOp: f.peakOp, final: f.finalBytes };
}

/** `sim malloc TRACE --variants --json`. */
function predict(trace: string): PredictedVariant[] {
  const r = runMemscope(['sim', 'malloc', '--variants', '--json', trace], { timeoutMs: 300_000 });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { variants: PredictedVariant[] }).variants;
}

/** The environment that runs the real program as the variant does (GLIBC_TUNABLES=…, or LD_PRELOAD=… for TCMalloc). */
function variantEnv(v: PredictedVariant): NodeJS.ProcessEnv {
  if (v.env === '') return {};
  const eq = v.env.indexOf('=');
  return { [v.env.slice(0, eq)]: v.env.slice(eq + 1) };
}

let traceCount = 0;

/** Records cmd once, predicts every variant, then measures each glibc variant's real run. */
function predictAndMeasure(cmd: string[]): { predicted: PredictedVariant[]; measured: Map<string, Footprint>; recorded: Footprint } {
  const trace = join(dir, `p${traceCount++}.trace`);
  const recorded = recordFootprint(trace, cmd);
  const predicted = predict(trace);
  const measured = new Map<string, Footprint>();
  for (const v of predicted.filter((p) => p.allocator === 'glibc')) measured.set(v.name, readMeasured(record(['--measure', '--', ...cmd], variantEnv(v))));
  return { predicted, measured, recorded };
}

/** Prediction == measurement, peak (and the op it is first reached after) and at exit, for every glibc variant. */
function assertExact(cmd: string[]): void {
  const { predicted, measured, recorded } = predictAndMeasure(cmd);
  const glibc = predicted.find((p) => p.name === 'glibc')!;
  assert.deepEqual({ peak: glibc.peak_bytes, peakOp: glibc.peak_op, final: glibc.final_bytes }, recorded, 'the recorded run itself');
  for (const v of predicted.filter((p) => p.allocator === 'glibc')) {
    assert.equal(v.simulated, true);
    assert.deepEqual({ peak: v.peak_bytes, peakOp: v.peak_op, final: v.final_bytes }, measured.get(v.name), `${v.name}: predicted vs measured`);
  }
}

describe('sim malloc --variants: the prediction is the real run (single-threaded, deterministic)', () => {
  test('predict-subject.c: every glibc variant exactly, peak, its op and at exit; the variants really differ', () => {
    const subject = buildHarness('predict-subject.c');
    assertExact([subject, '20000', '7']);
    const finals = new Set(predict(join(dir, 'p0.trace')).filter((p) => p.allocator === 'glibc').map((p) => p.final_bytes));
    assert.ok(finals.size >= 3, `mmap_threshold and trim_threshold change the footprint: ${[...finals].join(', ')}`);
  });

  test('predict-subject.c under the real TCMalloc: the model\'s prediction is its page heap in bytes, peak and at exit', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
    const cmd = [buildHarness('predict-subject.c'), '20000', '7'];
    const trace = join(dir, 'tcmalloc-subject.trace');
    recordFootprint(trace, cmd);
    const tcmalloc = predict(trace).find((p) => p.name === 'tcmalloc')!;
    assert.equal(tcmalloc.simulated, true, tcmalloc.error ?? '');
    const real = record(['--measure', '--', ...cmd], { LD_PRELOAD: requireOracle('libtcmalloc-minimal') });
    const measured = readMeasured(real);
    assert.deepEqual({ peak: tcmalloc.peak_bytes, peakOp: tcmalloc.peak_op, final: tcmalloc.final_bytes }, measured, 'tcmalloc: predicted vs measured');
    // libtcmalloc_minimal pulls in libstdc++, whose emergency pool (malloc 72704) the model runs as TCMalloc's
    // start-up (tcmalloc/startup.ts): the shim leaves it out of the run's ops, so both count the program's alone.
    const ops = (r: CliResult) => Number(/(?:recorded|measured) (\d+) ops/.exec(r.stderr)?.[1]);
    assert.equal(ops(real), readRecordedTrace(trace).ops.length, 'ops under TCMalloc and recorded under glibc');
  });

  test('a trace recorded under TCMalloc: the same ops as under glibc, and the model\'s prediction is the real run\'s page heap, peak, its op and at exit', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
    // 200 ops: few enough that one more 72 KiB pool moves the op where the page heap reaches its peak.
    const cmd = [buildHarness('predict-subject.c'), '200', '7'];
    const tcmallocEnv = { LD_PRELOAD: requireOracle('libtcmalloc-minimal') };
    const underTcmalloc = join(dir, 'recorded-under-tcmalloc.trace');
    const underGlibc = join(dir, 'recorded-under-glibc.trace');
    const recorded = recordFootprint(underTcmalloc, cmd, tcmallocEnv);
    recordFootprint(underGlibc, cmd);
    const tcmalloc = predict(underTcmalloc).find((p) => p.name === 'tcmalloc')!;
    const predicted = { peak: tcmalloc.peak_bytes, peakOp: tcmalloc.peak_op, final: tcmalloc.final_bytes };
    assert.deepEqual(predicted, recorded, 'predicted vs the recorded run');
    assert.deepEqual(predicted, readMeasured(record(['--measure', '--', ...cmd], tcmallocEnv)), 'predicted vs a measured run');
    assert.deepEqual(opLines(readRecordedTrace(underTcmalloc)), opLines(readRecordedTrace(underGlibc)), 'the program\'s ops, whichever allocator ran it');
    assert.equal(readRecordedTrace(underTcmalloc).header.stdcxx, false, 'libstdc++ is there for the allocator alone: no stdcxx=1');
  });

  test('a program that needs libstdc++ itself: its emergency pool is its own call, recorded under either allocator', { skip: oracleMissing('libtcmalloc-minimal', 'g++') }, () => {
    const plain = [buildHarness('predict-subject.c'), '200', '7'];
    const linked = [buildHarness('predict-subject.c', ['-Wl,--no-as-needed', '-lstdc++']), '200', '7'];
    const traceOf = (cmd: string[], env: NodeJS.ProcessEnv, name: string) => {
      recordFootprint(join(dir, name), cmd, env);
      return opLines(readRecordedTrace(join(dir, name)));
    };
    const tcmallocEnv = { LD_PRELOAD: requireOracle('libtcmalloc-minimal') };
    const underGlibc = traceOf(linked, {}, 'linked-glibc.trace');
    assert.deepEqual(traceOf(linked, tcmallocEnv, 'linked-tcmalloc.trace'), underGlibc);
    const own = traceOf(plain, {}, 'plain-glibc.trace');
    assert.equal(underGlibc.length, own.length + 1, 'one call more: libstdc++\'s pool');
    assert.match(underGlibc[0]!, /^a 0 \d+$/, 'the pool comes first');
  });

  test('a program that needs libstdc++ itself, recorded under glibc: the TCMalloc prediction is its real run (the pool runs once, from the trace)', { skip: oracleMissing('libtcmalloc-minimal', 'g++') }, () => {
    const cmd = [buildHarness('predict-subject.c', ['-Wl,--no-as-needed', '-lstdc++']), '200', '7'];
    const trace = join(dir, 'linked-predict.trace');
    recordFootprint(trace, cmd);
    const tcmalloc = predict(trace).find((p) => p.name === 'tcmalloc')!;
    assert.equal(tcmalloc.simulated, true, tcmalloc.error ?? '');
    const real = readMeasured(record(['--measure', '--', ...cmd], { LD_PRELOAD: requireOracle('libtcmalloc-minimal') }));
    assert.deepEqual({ peak: tcmalloc.peak_bytes, peakOp: tcmalloc.peak_op, final: tcmalloc.final_bytes }, real, 'tcmalloc: predicted vs measured');
    assert.equal(readRecordedTrace(trace).header.stdcxx, true, 'the header says the program brings libstdc++ (stdcxx=1)');
  });

  test('a C++ program (record-cxx.cc: every kind of new and delete, threads one at a time): every glibc variant exactly, and TCMalloc\'s real run', { skip: oracleMissing('g++') }, () => {
    const cmd = [buildHarness('record-cxx.cc', ['-std=c++17', '-pthread', '-lstdc++']), '3', '2'];
    assertExact(cmd);
    if (oracleMissing('libtcmalloc-minimal') !== false) return;
    const tcmalloc = predict(join(dir, `p${traceCount - 1}.trace`)).find((p) => p.name === 'tcmalloc')!;
    assert.equal(tcmalloc.simulated, true, tcmalloc.error ?? '');
    const real = readMeasured(record(['--measure', '--', ...cmd], { LD_PRELOAD: requireOracle('libtcmalloc-minimal') }));
    assert.deepEqual({ peak: tcmalloc.peak_bytes, peakOp: tcmalloc.peak_op, final: tcmalloc.final_bytes }, real, 'tcmalloc: predicted vs measured');
  });

  test('a real program, sort of a generated file (one thread, 2 MiB buffer): every glibc variant exactly', { skip: !existsSync('/usr/bin/sort') && 'needs sort (coreutils)' }, () => {
    const input = join(dir, 'sort-input.txt');
    let text = '';
    for (let i = 1; i <= 200_000; i++) text += `${(i * 7919) % 100_003} line ${i}\n`;
    writeFileSync(input, text);
    const cmd = ['/usr/bin/sort', '--parallel=1', '-S', '2M', input, '-o', '/dev/null'];
    assertExact(cmd);
    // TCMalloc: its model runs sort's trace (no calloc); the real library's page heap, from its MallocExtension.
    const tcmalloc = predict(join(dir, `p${traceCount - 1}.trace`)).find((p) => p.name === 'tcmalloc')!;
    assert.equal(tcmalloc.error, null);
    if (oracleMissing('libtcmalloc-minimal') !== false) return;
    const real = readMeasured(record(['--measure', '--', ...cmd], { LD_PRELOAD: requireOracle('libtcmalloc-minimal') }));
    assert.deepEqual({ peak: tcmalloc.peak_bytes, peakOp: tcmalloc.peak_op, final: tcmalloc.final_bytes }, real, 'tcmalloc: predicted vs measured');
  });
});

/** Real runs per variant for a multi-threaded program: its own run-to-run spread bounds what any prediction can do. */
const MT_RUNS = 2;

/** (max − min) / min of the real runs' figures. */
const spreadOf = (real: readonly number[]): number => (Math.max(...real) - Math.min(...real)) / Math.min(...real);

/**
 * Multi-threaded: the model is exact for the recorded schedule (the prediction equals the recorded run's own
 * footprint), but the next run schedules its threads differently (zstd sometimes makes one more arena). Each
 * variant is measured MT_RUNS times; the error (prediction vs the nearest real run) is reported and must be
 * under 5 %, or under the program's own spread between its default runs (the recorded one included) when wider.
 */
function assertNearRealRuns(cmd: string[], holdsToRuns = true): void {
  const trace = join(dir, `p${traceCount++}.trace`);
  const recorded = recordFootprint(trace, cmd);
  const predicted = predict(trace);
  const glibc = predicted.find((p) => p.name === 'glibc')!;
  assert.deepEqual({ peak: glibc.peak_bytes, peakOp: glibc.peak_op, final: glibc.final_bytes }, recorded, 'the recorded schedule itself: exact');
  const measured = new Map(predicted.filter((p) => p.allocator === 'glibc').map((v) => [v.name, Array.from({ length: MT_RUNS }, () => readMeasured(record(['--measure', '--', ...cmd], variantEnv(v))))]));
  const defaults = [recorded, ...measured.get('glibc')!];
  const spread = { peak: spreadOf(defaults.map((m) => m.peak)), final: spreadOf(defaults.map((m) => m.final)) };
  for (const v of predicted.filter((p) => p.allocator === 'glibc')) {
    const runs = measured.get(v.name)!;
    for (const [what, pred, real, own] of [['peak', v.peak_bytes!, runs.map((m) => m.peak), spread.peak], ['at exit', v.final_bytes!, runs.map((m) => m.final), spread.final]] as const) {
      const error = Math.min(...real.map((m) => Math.abs(pred - m) / m));
      console.log(`# ${cmd[0]} ${v.name} ${what}: predicted ${pred}, real runs ${real.join(', ')}: error ${(error * 100).toFixed(2)} % (default runs' own spread ${(own * 100).toFixed(2)} %)`);
      if (holdsToRuns) assert.ok(error < Math.max(0.05, own), `${v.name} ${what}: predicted ${pred}, real ${real.join(', ')}`);
    }
  }
}

describe('sim malloc --variants: multi-threaded programs within 5 % (or their own run-to-run spread)', () => {
  test('record-threads.c, 10 producer/consumer pairs (21 threads: arenas shared and reused)', () => {
    assertNearRealRuns([buildHarness('record-threads.c', ['-pthread']), '10', '300']);
  });

  // zstd -T4 makes 1 to 3 thread arenas run to run (132 KiB each against a 0.7 MiB footprint at exit): its
  // variants' errors (10–30 %) are reported, not held to a bound; the recorded schedule is still exact.
  for (const tool of ['xz', 'zstd']) {
    const title = tool === 'xz' ? 'xz -T4 of 8 MiB' : 'zstd -T4 of 8 MiB: exact for the recorded schedule, the variants\' errors reported';
    test(title, { skip: oracleMissing(tool) }, () => {
      const input = join(dir, 'mt-input.txt');
      if (!existsSync(input)) {
        const lines: string[] = [];
        for (let i = 0, n = 0; n < 8 << 20; i++) n += lines[lines.push(`${i} ${(i * 2654435761) % 4294967296} memscope\n`) - 1]!.length;
        writeFileSync(input, lines.join(''));
      }
      assertNearRealRuns([requireOracle(tool), '-T4', '-k', '-c', '-1', input], tool === 'xz');
    });
  }
});

interface ThreadedRow {
  i: number;
  region?: string | null;
  arena?: number | null;
  heap?: number | null;
  offset?: number | null;
}

/** Ops per region of a replay checked against the recording's addresses, and the real arena heaps seen. */
interface AddressAgreement {
  counts: { heap: number; arena: number; mmap: number };
  arenaHeaps: number;
}

/**
 * Records cmd with --addresses and replays it through the glibc model: every op in the same region, arena heap and
 * offset as glibc returned. The trace holds addresses only: a thread-arena heap is the 64 MiB-aligned block around
 * them (heap_info), and the model's (arena, heap) must name the same real heap every time, one to one, as mt-replay.c does.
 */
function assertReplaysAddresses(name: string, cmd: string[]): AddressAgreement {
  const trace = join(dir, name);
  assert.equal(record(['--addresses', '-o', trace, ...cmd]).code, 0);
  const t = readRecordedTrace(trace);
  const sim = runMemscope(['sim', 'malloc', '--format', 'jsonl', trace]);
  assert.equal(sim.code, 0, sim.stderr);
  const rows = sim.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as ThreadedRow);
  assert.equal(rows.length, t.ops.length);
  const HEAP_MAX_SIZE = 64n << 20n;
  const realOf = new Map<string, bigint>();
  const modelOf = new Map<bigint, string>();
  const counts = { heap: 0, arena: 0, mmap: 0 };
  for (const [i, op] of t.ops.entries()) {
    if (op.address === null || op.address === 0n) continue;
    const row = rows[i]!;
    const where = `op ${i} (${op.text} on thread ${op.tid} =${op.address.toString(16)}): ${JSON.stringify(row)}`;
    if (row.region === 'heap') {
      assert.equal(BigInt(row.offset!), op.address - t.header.brk0, where);
    } else if (row.region === 'arena') {
      const base = op.address & ~(HEAP_MAX_SIZE - 1n);
      const key = `${row.arena}/${row.heap}`;
      assert.equal(BigInt(row.offset!), op.address - base, where);
      assert.equal(realOf.get(key) ?? base, base, `${where}: arena ${key} was another heap`);
      assert.equal(modelOf.get(base) ?? key, key, `${where}: this heap was arena ${modelOf.get(base)}`);
      realOf.set(key, base);
      modelOf.set(base, key);
    } else {
      assert.equal(row.region, 'mmap', where);
    }
    counts[row.region as keyof typeof counts]++;
  }
  return { counts, arenaHeaps: realOf.size };
}

describe('--addresses: the model reproduces the recording', () => {
  test('record-threads.c (10 pairs, 21 threads): every op in the same region, arena heap and offset as glibc returned', () => {
    const { counts, arenaHeaps } = assertReplaysAddresses('addresses.trace', [buildHarness('record-threads.c', ['-pthread']), '10', '300']);
    assert.ok(counts.arena > 2000 && arenaHeaps >= 4, `ops per region ${JSON.stringify(counts)}, ${arenaHeaps} arena heaps`);
  });

  // Only the first 200 KiB block is mmapped: its free raises glibc's dynamic mmap threshold above the later ones.
  test('record-cxx.cc (C++ new and delete of every kind, 3 threads): every op where glibc put it, aligned new included', { skip: oracleMissing('g++') }, () => {
    const { counts, arenaHeaps } = assertReplaysAddresses('cxx-addresses.trace', [buildHarness('record-cxx.cc', ['-std=c++17', '-pthread', '-lstdc++']), '3', '2']);
    assert.ok(counts.heap > 50 && counts.arena > 100 && counts.mmap >= 1 && arenaHeaps >= 1, `ops per region ${JSON.stringify(counts)}, ${arenaHeaps} arena heaps`);
  });
});

describe('sim malloc summary: the footprint', () => {
  test('a 21-thread recording: the summary\'s footprint counts the arena heaps "final brk" leaves out, and is what the real run measured', () => {
    const trace = join(dir, 'summary.trace');
    const measured = recordFootprint(trace, [buildHarness('record-threads.c', ['-pthread']), '10', '300']);
    const r = runMemscope(['sim', 'malloc', trace]);
    assert.equal(r.code, 0, r.stderr);
    const brk = Number(/^final brk\s+(\d+) bytes/m.exec(r.stdout)?.[1]);
    const f = /^footprint\s+(\d+) bytes .* peak \(after op (\d+)\), (\d+) bytes .* at exit: brk heap \+ arena heaps \+ mmapped chunks$/m.exec(r.stdout);
    assert.ok(f, r.stdout);
    assert.deepEqual({ peak: Number(f[1]), peakOp: Number(f[2]), final: Number(f[3]) }, measured);
    assert.ok(measured.final > brk + 8 * 132 * 1024, `arena heaps: footprint ${measured.final}, brk ${brk}`);
  });
});

describe('record --measure: every arena counts', () => {
  test('8 threads that only free (record-free-threads.c): the arenas glibc makes for their tcaches are in the measured footprint, as the model predicts', () => {
    const cmd = [buildHarness('record-free-threads.c', ['-pthread']), '8'];
    const trace = join(dir, 'free-threads.trace');
    const measured = recordFootprint(trace, cmd);
    const glibc = predict(trace).find((p) => p.name === 'glibc')!;
    assert.deepEqual({ peak: glibc.peak_bytes, peakOp: glibc.peak_op, final: glibc.final_bytes }, measured, 'predicted vs measured');
    const sim = runMemscope(['sim', 'malloc', trace]);
    const brk = Number(/^final brk\s+(\d+) bytes/m.exec(sim.stdout)?.[1]);
    // No thread arena ever hands the program a block, yet each of the 8 holds a heap of 132 KiB at least.
    assert.ok(measured.final >= brk + 8 * 132 * 1024, `footprint ${measured.final}, brk heap ${brk}`);
    assert.equal(readMeasured(record(['--measure', '--', ...cmd])).final, measured.final, 'a run without the trace measures the same');
  });
});

describe('--variants and --measure: usage', () => {
  test('--variants takes no --allocator, --tunables or --format; --json only with --variants; --measure not with --follow', () => {
    assertOneLineError(runMemscope(['sim', 'malloc', '--variants', '--allocator', 'tcmalloc', '--workload', 'churn']), 2, /--variants runs every allocator variant itself/);
    assertOneLineError(runMemscope(['sim', 'malloc', '--json', '--workload', 'churn']), 2, /--json goes with --variants/);
    assertOneLineError(record(['--measure', '--follow', 'true']), 2, /--measure measures one process/);
  });

  test('the table labels every row simulated, with numbers, and names how to run it', () => {
    const r = runMemscope(['sim', 'malloc', '--variants', join(dir, 'p0.trace')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^arena_max=2 +GLIBC_TUNABLES=glibc\.malloc\.arena_max=2 +\d+ +\d+ +\d+ +simulated$/m);
    assert.match(r.stdout, /^tcmalloc +LD_PRELOAD=libtcmalloc_minimal\.so\.4 +\d+ +\d+ +\d+ +simulated$/m);
  });

  test('a model that cannot follow the trace says why, on its row: a double free stops glibc and TCMalloc alike', () => {
    const trace = join(dir, 'double-free.trace');
    writeFileSync(trace, '# memscope-trace 2 cpus=2\na 0 24\nf 0\nf 0\n');
    const r = runMemscope(['sim', 'malloc', '--variants', trace]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^glibc +\(default\) +- +- +- +not simulated: .*op 2\b.*$/m);
    assert.match(r.stdout, /^tcmalloc +LD_PRELOAD=libtcmalloc_minimal\.so\.4 +- +- +- +not simulated: .*op 2\b.*$/m);
  });
});
