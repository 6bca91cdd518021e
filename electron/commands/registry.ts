// The CLI's commands: name → lazily imported runner (so `memscope top` never loads the
// server or systeminformation), and the usage text.
import { ApiError } from '../../shared/errors.js';

/** Printed by `memscope --help`. */
export const USAGE = `memscope — what a process's memory really is

usage:
  memscope start
      the desktop app (Electron), or browser mode where Electron cannot run
  memscope top [-n N] [-d SECONDS] [--sort FIELD] [--limit K] [--json]
      every process, like top -b (VIRT=VmSize RES=VmRSS SHR=RssFile+RssShmem SWAP=VmSwap)
  memscope maps PID [--json] [--groups]
      a process's mappings with every smaps field, like pmap -X, with totals;
      --groups sums them per backing file (a library's real size)
  memscope snapshot PID [-o FILE|-]
      write a versioned JSON snapshot of one process (atomically; default
      memscope-PID-TIME.json, - for stdout)
  memscope diff A.json B.json [--json]
      what grew, shrank, appeared and disappeared between two snapshots

  memscope serve [--host 127.0.0.1] [--port N] [--open] [-d SECONDS]
      browser mode: the UI and API on http://HOST:PORT/?token=… (token required)

exit status: 0 ok, 1 failed (process gone, permission denied, malformed file), 2 bad usage
`;

type Runner = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Runner>> = {
  top: async () => (await import('./top.js')).runTop,
  maps: async () => (await import('./maps.js')).runMaps,
  snapshot: async () => (await import('./snapshot.js')).runSnapshot,
  diff: async () => (await import('./diff.js')).runDiff,
  serve: async () => (await import('./serve.js')).runServe,
  start: async () => (await import('./start.js')).runStart,
};

/** Runs the named command, or fails with bad-arg naming the unknown command. */
export async function runCommand(name: string, argv: string[]): Promise<number> {
  const load = COMMANDS[name];
  if (load === undefined) throw new ApiError('bad-arg', `unknown command ${JSON.stringify(name)}; see memscope --help`);
  const run = await load();
  return run(argv);
}
