// Small timing helpers for `npm run bench`: medians, and the CPU time of child processes
// (cutime + cstime of this process's reaped children, from /proc/self/stat).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { USER_HZ } from '../../shared/proc/top-metrics.js';

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** CPU ms used by reaped children so far ((16) cutime + (17) cstime of /proc/self/stat). */
export function childrenCpuMs(): number {
  const text = readFileSync('/proc/self/stat', 'latin1');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is (3) state, so (16) cutime is fields[13] and (17) cstime fields[14].
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / USER_HZ;
}

/** Runs a command to completion `runs` times (in `env` when given); median wall ms and mean children CPU ms. */
export function timeCommand(cmd: string, args: string[], runs: number, env?: NodeJS.ProcessEnv): { wallMs: number; cpuMs: number } {
  const walls: number[] = [];
  const cpu0 = childrenCpuMs();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30, env });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
    walls.push(performance.now() - t);
  }
  return { wallMs: median(walls), cpuMs: (childrenCpuMs() - cpu0) / runs };
}

/** Times fn `runs` times after `warmup` calls: median wall ms and median own-CPU ms. */
export function timeFn(fn: () => void, runs: number, warmup = 3): { wallMs: number; cpuMs: number } {
  for (let i = 0; i < warmup; i++) fn();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    walls.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpus.push((d.user + d.system) / 1000);
  }
  return { wallMs: median(walls), cpuMs: median(cpus) };
}

/** Starts a long-lived helper process and waits for its first stdout line. */
export async function startAndWaitForLine(cmd: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const out = child.stdout;
  if (out === null) throw new Error('no stdout');
  const it = createInterface({ input: out })[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done === true) throw new Error(`${cmd} exited before saying anything`);
  return { child, line: first.value };
}

/** Output of a command as text (throws on failure). */
export function runText(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}
