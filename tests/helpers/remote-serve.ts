// A "remote" `memscope serve` on this machine: a real child process in its own UTS namespace (its own
// hostname) and PID namespace with its own /proc (its own process list: itself and one subject, a
// `sleep`), started with util-linux unshare. What the UI shows from it cannot come from the local host.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CLI_PATH } from './paths.js';

/** The subject's command line inside the namespace (an idle process with a recognisable argv). */
export const REMOTE_SUBJECT_ARGS = ['sleep', '86399'];

/** How long serve may take to exit after SIGTERM before it is killed and the stop reported as failed. */
const STOP_GRACE_MS = 10_000;

/** A running namespaced serve. */
export interface RemoteServe {
  /** http://127.0.0.1:PORT */
  base: string;
  port: number;
  token: string;
  hostname: string;
  /** The subject's pid as the remote sees it (inside its PID namespace). */
  subjectPid: number;
  /** SIGTERM to the namespaced serve; resolves when unshare has exited (the namespace is gone, the port free). */
  stop(): Promise<void>;
}

function unshareArgs(): string[] {
  // Root needs no user namespace; anyone else maps themselves to root in a new one.
  const asUser = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
  return [...asUser, '--uts', '--pid', '--mount-proc', '--fork'];
}

/** Why namespaced servers cannot run here, or false when they can. */
export function remoteServeUnavailable(): string | false {
  const r = spawnSync('unshare', [...unshareArgs(), 'sh', '-c', 'hostname memscope-probe && test "$(hostname)" = memscope-probe && test $$ = 1'], { stdio: 'ignore', timeout: 10_000 });
  if (r.error !== undefined) return `unshare (util-linux) cannot run: ${r.error.message}`;
  return r.status === 0 ? false : 'unshare --uts --pid --mount-proc is not permitted here (needs root or unprivileged user namespaces)';
}

/** The pid of unshare's forked child (the namespace's init, which exec'd memscope serve). */
function childOf(ppid: number): number | null {
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // (4) ppid is the second field after the ")" closing (2) comm.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) return Number(name);
    } catch {
      // It exited while we looked.
    }
  }
  return null;
}

/**
 * Starts `memscope serve --port 0 --token-file tokenFile -d intervalS` as `hostname` in fresh namespaces,
 * after forking the subject there. Its port is new each time (read from its URL): a port reused after a
 * stop may have been taken by another process meanwhile.
 */
export async function startRemoteServe(options: { hostname: string; tokenFile: string; intervalS?: number }): Promise<RemoteServe> {
  const serve = [process.execPath, CLI_PATH, 'serve', '--port', '0', '--token-file', options.tokenFile, '-d', String(options.intervalS ?? 0.5)];
  // sh -c SCRIPT sh HOSTNAME SERVE-ARGV…: $1 is the hostname, the rest is exec'd.
  const child: ChildProcess = spawn('unshare', [...unshareArgs(), 'sh', '-c', buildScript(), 'sh', options.hostname, ...serve], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.stdout === null || child.pid === undefined) throw new Error('unshare did not start');
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done === true) throw new Error('the namespaced memscope serve exited before printing its URL');
    return r.value.trim();
  };
  const subjectLine = /^subject ([0-9]+)$/.exec(await next());
  const urlLine = /^http:\/\/127\.0\.0\.1:([0-9]+)\/\?token=(.+)$/.exec(await next());
  if (subjectLine === null || urlLine === null) throw new Error('unexpected output from the namespaced serve');
  const port = Number(urlLine[1]);
  const unsharePid = child.pid;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    token: urlLine[2] ?? '',
    hostname: options.hostname,
    subjectPid: Number(subjectLine[1]),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      // unshare ignores SIGTERM while it waits; the namespace's init is serve itself, which handles it.
      const init = childOf(unsharePid);
      if (init === null) {
        child.kill('SIGKILL');
        await exited;
        return;
      }
      process.kill(init, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), STOP_GRACE_MS)))]);
      clearTimeout(timer);
      if (inTime) return;
      process.kill(init, 'SIGKILL'); // from the parent namespace, SIGKILL reaches the namespace's init
      await exited;
      throw new Error(`memscope serve (namespace init ${init}) did not exit within ${STOP_GRACE_MS} ms of SIGTERM`);
    },
  };
}

/** sh script: set the hostname, fork the subject, then become memscope serve (the namespace's init). */
function buildScript(): string {
  const subject = REMOTE_SUBJECT_ARGS.map((a) => `'${a}'`).join(' ');
  return `hostname "$1" || exit 1; shift; ${subject} & echo "subject $!"; exec "$@"`;
}
