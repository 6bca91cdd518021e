// Per-tick cost of sampling every process, beside its peers on the same machine in the same run:
// the C floor (open/read/close, and kept fds with pread), top, ps, systeminformation.
import { spawn, type ChildProcess } from 'node:child_process';
import si from 'systeminformation';
import { Sampler } from '../../electron/host/proc/sampler.js';
import type { ColumnId } from '../../shared/proc/columns.js';
import { buildHarness } from '../helpers/c-build.js';
import { childrenCpuMs, median, runText, timeCommand } from './measure.js';

/** top's default columns (no SWAP, no USER from status): stat + statm only. */
const TOP_DEFAULT_COLUMNS: ColumnId[] = ['pid', 'virtKb', 'resKb', 'shrKb', 'state', 'cpuPct', 'memPct', 'cpuTimeS', 'command'];

function sampleTicks(columns: ColumnId[] | undefined, ticks: number): { wallMs: number; cpuMs: number; processes: number } {
  const sampler = new Sampler(columns === undefined ? {} : { columns });
  try {
    for (let i = 0; i < 20; i++) sampler.tick();
    const walls: number[] = [];
    const cpus: number[] = [];
    let processes = 0;
    for (let i = 0; i < ticks; i++) {
      const t = sampler.tick();
      walls.push(t.cost.wallMs);
      cpus.push(t.cost.cpuMs);
      processes = t.rows.length;
    }
    return { wallMs: median(walls), cpuMs: median(cpus), processes };
  } finally {
    sampler.close();
  }
}

function floor(mode: 'open' | 'kept', file2: 'statm' | 'status'): { wallMs: number; cpuMs: number } {
  const [wall, cpu] = runText(buildHarness('proc-floor.c'), [mode, file2, '100']).trim().split(' ').map(Number);
  return { wallMs: wall ?? NaN, cpuMs: cpu ?? NaN };
}

/** top's CPU per refresh: (n=11 run - n=1 run) / 10, so its start-up cost cancels. */
function topPerRefresh(): { wallMs: number; cpuMs: number } {
  const one = timeCommand('top', ['-b', '-n', '1'], 3);
  const eleven = timeCommand('top', ['-b', '-n', '11', '-d', '0.05'], 3);
  return { wallMs: NaN, cpuMs: (eleven.cpuMs - one.cpuMs) / 10 };
}

async function systeminformationProcesses(): Promise<{ wallMs: number; cpuMs: number }> {
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

/** Prints the sampling comparison; returns nothing (numbers go to stdout). */
export async function benchSampling(): Promise<void> {
  const idle = spawnIdle(320);
  await new Promise((r) => setTimeout(r, 500));
  try {
    const full = sampleTicks(undefined, 200);
    const light = sampleTicks(TOP_DEFAULT_COLUMNS, 200);
    const rows: [string, { wallMs: number; cpuMs: number }][] = [
      ['memscope Sampler, all columns (stat+status, kept fds)', full],
      ['memscope Sampler, top default columns (stat+statm)', light],
      ['C floor: open/read/close stat+statm', floor('open', 'statm')],
      ['C floor: kept fds, pread stat+statm', floor('kept', 'statm')],
      ['C floor: kept fds, pread stat+status', floor('kept', 'status')],
      ['top -b, per refresh (CPU only)', topPerRefresh()],
      ['ps -eo pid,ppid,user,stat,vsz,rss,comm', timeCommand('ps', ['-eo', 'pid,ppid,user,stat,vsz,rss,comm'], 5)],
      ['systeminformation.processes() (warm)', await systeminformationProcesses()],
    ];
    console.log(`\n## Sampling every process (${full.processes} processes, 320 of them idle sleeps; medians)`);
    console.log(`${'what'.padEnd(58)} ${'wall ms'.padStart(9)} ${'CPU ms'.padStart(9)}`);
    for (const [name, r] of rows) {
      console.log(`${name.padEnd(58)} ${Number.isNaN(r.wallMs) ? '        -' : r.wallMs.toFixed(2).padStart(9)} ${r.cpuMs.toFixed(2).padStart(9)}`);
    }
    const peer = rows[7]?.[1];
    console.log(
      `memscope at 1 Hz costs ${(full.cpuMs / 10).toFixed(2)}% of one core; systeminformation.processes() is ` +
        `${((peer?.wallMs ?? NaN) / full.wallMs).toFixed(0)}x slower (wall), ${((peer?.cpuMs ?? NaN) / full.cpuMs).toFixed(0)}x (CPU)`,
    );
  } finally {
    for (const c of idle) c.kill('SIGKILL');
  }
}
