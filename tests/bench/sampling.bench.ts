// Per-tick cost of sampling every process, beside its peers on the same machine in the same run (issue 13):
// the service's tick with the default columns, what each extra column's file adds, `memscope top` as a whole
// process, the C floor (kept fds with pread), top, ps and systeminformation; ratios printed beside them.
// The rows the targets are about (service tick, memscope top, C floor, top) are measured in interleaved rounds
// (BENCH_SAMPLING_ROUNDS, default 3) with the load average printed: on a shared machine a ratio within one
// round is worth more than any absolute number.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import si from 'systeminformation';
import { Sampler } from '../../electron/host/proc/sampler.js';
import { MemscopeService } from '../../electron/host/service.js';
import { sleepSync } from '../../electron/host/system/sleep-sync.js';
import { ALL_COLUMN_IDS, DEFAULT_COLUMNS, formatSources, type ColumnId } from '../../shared/proc/columns.js';
import { buildHarness } from '../helpers/c-build.js';
import { CLI_NODE_FLAGS } from '../helpers/cli.js';
import { CLI_PATH } from '../helpers/paths.js';
import { childrenCpuMs, median, runText, timeCommand } from './measure.js';

/** Idle processes added so the machine has as many as a busy desktop (issue 13 measured with ~380). */
const IDLE_SUBJECTS = 300;
/** Rows a process table shows at once: the smaps_rollup reads one screen costs. */
const ROWS_ON_SCREEN = 40;
/**
 * The gap between ticks of the "apart" rows, as top's and memscope top's refreshes here (-d 0.05): a tick a while
 * after the last meets colder caches than back-to-back ticks (measured: the service's tick 3.1-3.3 ms back to back,
 * 3.8-4.05 ms 50 ms apart, load 11), and the service ticks once a second.
 */
const TICK_GAP_MS = 50;
/** Interleaved rounds of the target rows. */
const ROUNDS = Number(process.env['BENCH_SAMPLING_ROUNDS'] ?? 3);

interface Cost {
  wallMs: number;
  cpuMs: number;
}

/** Median cost of a Sampler's tick with these columns (and rollups for rollupPids), after warm-up. */
function sampleTicks(columns: readonly ColumnId[], ticks: number, rollupPids: readonly number[] = []): Cost & { processes: number; sources: string } {
  const sampler = new Sampler({ columns });
  sampler.setRollupPids(rollupPids);
  try {
    for (let i = 0; i < 20; i++) sampler.tick();
    const walls: number[] = [];
    const cpus: number[] = [];
    let processes = 0;
    let sources = '';
    for (let i = 0; i < ticks; i++) {
      const t = sampler.tick();
      walls.push(t.cost.wallMs);
      cpus.push(t.cost.cpuMs);
      processes = t.rows.length;
      sources = formatSources(t.cost.sources);
    }
    return { wallMs: median(walls), cpuMs: median(cpus), processes, sources };
  } finally {
    sampler.close();
  }
}

/**
 * The service's whole tick (sampler and histories) as `memscope serve` runs it with no tab asking for more,
 * back to back or gapMs apart (the gap not measured).
 */
function serviceTicks(ticks: number, gapMs = 0): Cost {
  const service = new MemscopeService({ baseColumns: DEFAULT_COLUMNS });
  try {
    for (let i = 0; i < 20; i++) service.tickNow();
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < ticks; i++) {
      if (gapMs > 0) sleepSync(gapMs);
      const c = process.cpuUsage();
      const t = performance.now();
      service.tickNow();
      walls.push(performance.now() - t);
      const d = process.cpuUsage(c);
      cpus.push((d.user + d.system) / 1000);
    }
    return { wallMs: median(walls), cpuMs: median(cpus) };
  } finally {
    service.stop();
  }
}

/** The C floor's pass: every pid's stat and file2, 100 passes back to back or gapMs apart (the gap not measured). */
function floor(mode: 'open' | 'kept', file2: 'statm' | 'status', gapMs = 0): Cost {
  const [wall, cpu] = runText(buildHarness('proc-floor.c'), [mode, file2, '100', String(gapMs)]).trim().split(' ').map(Number);
  return { wallMs: wall ?? NaN, cpuMs: cpu ?? NaN };
}

/**
 * Refreshes before memscope top's measured window. V8 is still compiling well past the 21st: functions run once per
 * tick or per changed row get hot late. callgrind, ~410 processes: TurboFan was 80 M of the 330 M user-space
 * instructions of refreshes 22-101 (24 %, ~0.3 ms per refresh), none measurable past the 200th (--trace-opt: its last
 * compiles near refresh 180); per-tick CPU over 202-361 was 0.16-0.37 ms below 22-101 in 3 alternated runs (load 11).
 * top(1) is C: 20 refreshes warm it.
 */
const JIT_WARMUP_REFRESHES = 200;
/** Refreshes measured: the difference of two runs, so start-up and warm-up cancel. */
const MEASURED_REFRESHES = 160;

/**
 * A command's steady-state CPU per refresh: (run of warmupRefreshes + 1 + MEASURED_REFRESHES refreshes - run of
 * warmupRefreshes + 1) / MEASURED_REFRESHES, so start-up and warm-up cancel; the same for top, to compare like with like.
 */
function perRefresh(cmd: string, args: string[], runs: number, warmupRefreshes: number): Cost {
  const warm = timeCommand(cmd, [...args, '-n', String(warmupRefreshes + 1), '-d', '0.05'], runs);
  const many = timeCommand(cmd, [...args, '-n', String(warmupRefreshes + 1 + MEASURED_REFRESHES), '-d', '0.05'], runs);
  return { wallMs: NaN, cpuMs: (many.cpuMs - warm.cpuMs) / MEASURED_REFRESHES };
}

async function systeminformationProcesses(): Promise<Cost> {
  await si.processes(); // warm
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 1100)); // it returns its cached result when called again within ~1 s
    const c = process.cpuUsage();
    const cc = childrenCpuMs();
    const t = performance.now();
    await si.processes();
    walls.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpus.push((d.user + d.system) / 1000 + childrenCpuMs() - cc);
  }
  return { wallMs: median(walls), cpuMs: median(cpus) };
}

/** Spawns idle `sleep` processes so the machine has as many as a busy desktop. */
function spawnIdle(count: number): ChildProcess[] {
  return Array.from({ length: count }, () => spawn('sleep', ['3600'], { stdio: 'ignore' }));
}

/** The target rows of one round, measured back to back. */
interface Round {
  service: Cost;
  floor: Cost;
  /** The service's tick and the C floor, TICK_GAP_MS apart. */
  serviceApart: Cost;
  floorApart: Cost;
  memscopeTop: Cost;
  top: Cost;
  load1: number;
}

/** One round of the rows the targets compare: the service tick, memscope top, the C floor and top. */
function measureRound(): Round {
  const load1 = loadavg()[0] ?? NaN;
  const service = serviceTicks(200);
  const floorCost = floor('kept', 'statm');
  const serviceApart = serviceTicks(100, TICK_GAP_MS);
  const floorApart = floor('kept', 'statm', TICK_GAP_MS);
  // With the shebang's node flags, as `memscope top` runs (node CLI_PATH alone would leave them out).
  const memscopeTop = perRefresh(process.execPath, [...CLI_NODE_FLAGS, CLI_PATH, 'top'], 1, JIT_WARMUP_REFRESHES);
  const top = perRefresh('top', ['-b'], 1, 20);
  return { service, floor: floorCost, serviceApart, floorApart, memscopeTop, top, load1 };
}

/** The median over rounds of one row's wall and CPU. */
function medianCost(rounds: readonly Round[], pick: (r: Round) => Cost): Cost {
  return { wallMs: median(rounds.map((r) => pick(r).wallMs)), cpuMs: median(rounds.map((r) => pick(r).cpuMs)) };
}

/** Prints the sampling comparison; returns nothing (numbers go to stdout). */
export async function benchSampling(): Promise<void> {
  const idle = spawnIdle(IDLE_SUBJECTS);
  await new Promise((r) => setTimeout(r, 500));
  try {
    const screen = idle.slice(0, ROWS_ON_SCREEN).map((c) => c.pid ?? 0);
    const loadBefore = loadavg();
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(measureRound());
    const service = medianCost(rounds, (r) => r.service);
    const keptFloor = medianCost(rounds, (r) => r.floor);
    const serviceApart = medianCost(rounds, (r) => r.serviceApart);
    const floorApart = medianCost(rounds, (r) => r.floorApart);
    const memscopeTop = medianCost(rounds, (r) => r.memscopeTop);
    const top = medianCost(rounds, (r) => r.top);
    const light = sampleTicks(DEFAULT_COLUMNS, 200);
    const statOnly = sampleTicks(['pid', 'state', 'cpuPct', 'cpuTimeS', 'command'], 200);
    const withStatus = sampleTicks([...DEFAULT_COLUMNS, 'user', 'swapKb'], 200);
    const withRollup = sampleTicks([...DEFAULT_COLUMNS, 'pssKb'], 200, screen);
    const all = sampleTicks(ALL_COLUMN_IDS, 200, screen);
    const sysinfo = await systeminformationProcesses();
    const rows: [string, Cost][] = [
      [`memscope service tick, default columns (${light.sources})`, service],
      [`  the same, ticks ${TICK_GAP_MS} ms apart`, serviceApart],
      [`memscope Sampler, default columns (${light.sources})`, light],
      [`  stat only (PID S %CPU TIME+ COMMAND: no statm)`, statOnly],
      [`  + USER/SWAP (${withStatus.sources})`, withStatus],
      [`  + PSS for ${ROWS_ON_SCREEN} rows on screen (${withRollup.sources})`, withRollup],
      [`  every column (${all.sources})`, all],
      ['memscope top, whole process per tick (CPU only, steady state)', memscopeTop],
      ['C floor: kept fds, pread stat+statm', keptFloor],
      [`  the same, passes ${TICK_GAP_MS} ms apart`, floorApart],
      ['C floor: kept fds, pread stat+status', floor('kept', 'status')],
      ['C floor: open/read/close stat+statm', floor('open', 'statm')],
      ['top -b, per refresh (CPU only, steady state)', top],
      ['ps -eo pid,ppid,user,stat,vsz,rss,comm', timeCommand('ps', ['-eo', 'pid,ppid,user,stat,vsz,rss,comm'], 5)],
      ['systeminformation.processes() (warm)', sysinfo],
    ];
    const loadAfter = loadavg();
    console.log(`\n## Sampling every process (${light.processes} processes, ${IDLE_SUBJECTS} of them idle sleeps; medians)`);
    console.log(`load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after (2 cores shared: CPU per tick grows with it)`);
    console.log(`${'what'.padEnd(62)} ${'wall ms'.padStart(9)} ${'CPU ms'.padStart(9)} ${'× C floor'.padStart(10)}`);
    for (const [name, r] of rows) {
      const wall = Number.isNaN(r.wallMs) ? '        -' : r.wallMs.toFixed(2).padStart(9);
      console.log(`${name.padEnd(62)} ${wall} ${r.cpuMs.toFixed(2).padStart(9)} ${(r.cpuMs / keptFloor.cpuMs).toFixed(2).padStart(10)}`);
    }
    console.log(`per round (CPU ms, load 1 min): service / C floor, back to back | ${TICK_GAP_MS} ms apart / memscope top / top`);
    for (const r of rounds) {
      console.log(
        `  load ${r.load1.toFixed(2)}: ${r.service.cpuMs.toFixed(2)} / ${r.floor.cpuMs.toFixed(2)} | ${r.serviceApart.cpuMs.toFixed(2)} / ${r.floorApart.cpuMs.toFixed(2)} / ${r.memscopeTop.cpuMs.toFixed(2)} / ${r.top.cpuMs.toFixed(2)}` +
          ` = service ${(r.service.cpuMs / r.floor.cpuMs).toFixed(2)}x the floor (${(r.serviceApart.cpuMs / r.floorApart.cpuMs).toFixed(2)}x apart), memscope top ${(r.memscopeTop.cpuMs / r.floor.cpuMs).toFixed(2)}x the floor and ${(r.top.cpuMs / r.memscopeTop.cpuMs).toFixed(1)}x cheaper than top`,
      );
    }
    console.log('per extra file (CPU per tick): ' +
      `statm +${(light.cpuMs - statOnly.cpuMs).toFixed(2)} ms, status instead of statm +${(withStatus.cpuMs - light.cpuMs).toFixed(2)} ms, ` +
      `smaps_rollup for ${ROWS_ON_SCREEN} rows +${(withRollup.cpuMs - light.cpuMs).toFixed(2)} ms`);
    console.log(
      `service tick with the default columns: ${service.cpuMs.toFixed(2)} ms CPU back to back, ${serviceApart.cpuMs.toFixed(2)} ms ${TICK_GAP_MS} ms apart (target ≤ 3; the C floor ${keptFloor.cpuMs.toFixed(2)} / ${floorApart.cpuMs.toFixed(2)} ms), ${(top.cpuMs / service.cpuMs).toFixed(1)}x cheaper than top, ` +
        `${(sysinfo.cpuMs / service.cpuMs).toFixed(0)}x cheaper than systeminformation.processes() (CPU), ${(service.cpuMs / keptFloor.cpuMs).toFixed(2)}x the C floor; ` +
        `memscope top ${memscopeTop.cpuMs.toFixed(2)} ms CPU per tick (target ≤ 4), ${(top.cpuMs / memscopeTop.cpuMs).toFixed(1)}x cheaper than top`,
    );
  } finally {
    for (const c of idle) c.kill('SIGKILL');
  }
}
