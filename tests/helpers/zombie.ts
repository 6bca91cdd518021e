// A zombie to test against: a child that exited and whose parent never waits for it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * `sh` whose child (python3 holding ~48 MiB) exits when `exitFile` appears, and which never waits for it: a zombie.
 * The child leaves with os._exit, so it holds its memory up to the exit (no finalizer frees it first).
 */
export async function startZombieParent(exitFile: string): Promise<{ parent: ChildProcess; childPid: number }> {
  const program = `import os,sys,time\nb=b"x"*(48<<20)\nprint("ready",flush=True)\nwhile not os.path.exists(sys.argv[1]): time.sleep(0.05)\nos._exit(0)\n`;
  const parent = spawn('sh', ['-c', 'python3 -c "$1" "$2" & echo "pid $!"; exec sleep 600', 'sh', program, exitFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (parent.stdout === null) throw new Error('no stdout');
  let childPid = 0;
  let ready = false;
  for await (const line of createInterface({ input: parent.stdout })) {
    if (line.startsWith('pid ')) childPid = Number(line.slice(4));
    if (line === 'ready') ready = true;
    if (childPid > 0 && ready) break;
  }
  return { parent, childPid };
}

/** The state letter of /proc/PID/stat (R, S, Z…), read after the last ')' since comm may hold one. */
export function readProcState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** Waits until pid is a zombie (state Z); throws after timeoutMs. */
export async function waitForZombie(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (readProcState(pid) !== 'Z') {
    if (Date.now() > deadline) throw new Error(`pid ${pid} is not a zombie after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
