// Spawns tests/harness/subject-memory.c and talks to it line by line over stdin/stdout.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildHarness } from './c-build.js';

/** A running subject process with known memory. */
export interface Subject {
  pid: number;
  /** Start of its anonymous region, lowercase hex as /proc prints it. */
  anonStart: string;
  /** Start of its file mapping, or "0" when none. */
  fileStart: string;
  /** Sends one command line and resolves with the subject's one-line answer. */
  command(line: string): Promise<string>;
  /** Kills it (SIGKILL) and waits until it is reaped. */
  kill(): Promise<void>;
}

/** Starts a subject: anonMib mapped, touchMib touched, optionally a file with readKib read; extraFlags go to gcc. */
export async function startSubject(anonMib: number, touchMib: number, file?: { path: string; readKib: number }, extraFlags: string[] = []): Promise<Subject> {
  const bin = buildHarness('subject-memory.c', extraFlags);
  const args = [String(anonMib), String(touchMib), ...(file ? [file.path, String(file.readKib)] : [])];
  const child: ChildProcessWithoutNullStreams = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done === true) throw new Error('subject exited');
    return r.value;
  };
  const ready = (await next()).split(' ');
  if (ready[0] !== 'ready') throw new Error(`subject said ${ready.join(' ')}`);
  const pid = child.pid;
  if (pid === undefined) throw new Error('subject has no pid');
  return {
    pid,
    anonStart: ready[1] ?? '',
    fileStart: ready[2] ?? '0',
    async command(line: string) {
      child.stdin.write(`${line}\n`);
      return next();
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * A subject linked statically: no page of it is shared with a library another process maps or unmaps, so its Pss
 * holds still while it idles (a dynamic one's moves whenever any process maps libc).
 */
export function startStaticSubject(anonMib: number, touchMib: number): Promise<Subject> {
  return startSubject(anonMib, touchMib, undefined, ['-static']);
}

/**
 * Resolves once pid sleeps (state S in /proc/PID/stat): a subject that has answered may still be running its way back to
 * its read of stdin, and a busy machine can leave it runnable (R) for a tick or two, which a row's state shows.
 */
export async function waitUntilAsleep(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'S') return;
    if (Date.now() > deadline) throw new Error(`pid ${pid} still in state ${state} after ${timeoutMs} ms`);
    await sleep(5);
  }
}
