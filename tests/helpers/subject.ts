// Spawns tests/harness/subject-memory.c and talks to it line by line over stdin/stdout.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
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
