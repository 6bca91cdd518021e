// Runs memscope under a given open-file limit (util-linux prlimit), changes a running process's limit,
// counts its fds, and holds many idle TCP connections to it: fd exhaustion as a client can cause it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { CLI_PATH } from './paths.js';

/** A memscope server started under a limit. */
export interface LimitedServer {
  child: ChildProcess;
  pid: number;
  /** The first stdout line: the URL it serves. */
  url: string;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then the exit code (null when a signal ended it). */
  stop(): Promise<number | null>;
}

/** Starts `memscope ...args` with RLIMIT_NOFILE soft = hard = limit, and waits for its URL line. */
export async function startUnderFdLimit(limit: number, args: string[]): Promise<LimitedServer> {
  const child = spawn('prlimit', [`--nofile=${limit}:${limit}`, '--', process.execPath, CLI_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  if (child.stdout === null || child.pid === undefined) throw new Error('prlimit did not start');
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  if (first.done === true) throw new Error(`memscope ${args[0] ?? ''} exited before printing its URL: ${stderr}`);
  return {
    child,
    pid: child.pid, // prlimit execs the command: same pid
    url: String(first.value).trim(),
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** Sets a running process's soft open-file limit (its hard limit stays). */
export function setSoftFdLimit(pid: number, soft: number): void {
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${soft}:`]);
}

/** How many fds a process has open now. */
export function countOpenFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Idle TCP connections held open by this process. */
export interface IdleSockets {
  /** Connections the server has closed (or refused) so far. */
  closedCount(): number;
  /** Closes every connection still open. */
  destroy(): void;
}

/** Opens count connections to 127.0.0.1:port that send nothing; resolves once each has connected or failed. */
export async function openIdleSockets(port: number, count: number): Promise<IdleSockets> {
  const sockets: Socket[] = [];
  let closed = 0;
  await Promise.all(
    Array.from({ length: count }, () => {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      socket.resume(); // read, so a close by the server is seen
      socket.on('close', () => (closed += 1));
      socket.on('error', () => undefined); // a reset from a full server is what we are testing
      return new Promise<void>((resolve) => {
        socket.once('connect', () => resolve());
        socket.once('close', () => resolve());
      });
    }),
  );
  return {
    closedCount: () => closed,
    destroy: () => {
      for (const s of sockets) s.destroy();
    },
  };
}
