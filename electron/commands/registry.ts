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
  memscope pages PID START[-END] [--json]
      a range page by page from /proc/PID/pagemap (present, swapped, exclusive,
      file, soft-dirty; as root pfn, map count, kpageflags), with totals;
      START/END hex (0x optional, END exclusive, default: end of START's mapping)
  memscope translate PID ADDR [--json]
      how ADDR (hex) becomes a physical address: PGD/P4D/PUD/PMD/PTE indices,
      page size (4 KiB, 2 MiB THP/hugetlb), pagemap state; as root PFN, physical
      address, kpagecount and kpageflags
  memscope sim malloc [--allocator glibc|tcmalloc] [--tunables STRING] [--format summary|table|jsonl]
                      [--workload NAME [--ops N] [--seed S]] [TRACE|-]
      replay a malloclab/JSON trace or a built-in workload through the glibc 2.36 or TCMalloc 2.10 model
  memscope sim pages SCENARIO.json [--format table|json]
      simulate demand paging, fork and copy-on-write over a scenario
  memscope sim cache [--geometry SIZE:WAYS:LINE,…] [--format table|json] [--sets] PATTERN…
      simulate the CPU data caches (LRU, write-allocate; default geometry from
      /sys/devices/system/cpu/cpu0/cache): accesses, hits, misses per level;
      PATTERN is a built-in NAME[:key=value,…] (--list) or a file of accesses
      (JSON [{"address":"hex","size":8,"op":"R"}] or text "R|W ADDR SIZE")
  memscope sim tlb [--entries N] [--ways W] [--page 4k|2m] [--format table|json] PATTERN…
      simulate the data TLB on the same patterns; 4 KiB against 2 MiB pages
      unless --page is given, with reach = entries × page size
  (each sim refuses work beyond its bounds with exit 2; memscope sim NAME --help lists them)

  memscope serve [--host 127.0.0.1] [--port N] [--open] [-d SECONDS] [--metrics] [--token-file FILE]
      browser mode: the UI and API on http://HOST:PORT/?token=… (token required)
  memscope exporter [--listen 127.0.0.1:9187] [--config FILE] [--token-file FILE] [-d SECONDS] [--once]
      Prometheus /metrics only, for fleets; a non-loopback --listen needs --token-file;
      --config groups processes and selects PSS/USS (README: fleet); --once prints once

exit status: 0 ok, 1 failed (process gone, permission denied, malformed file), 2 bad usage
`;

type Runner = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Runner>> = {
  top: async () => (await import('./top.js')).runTop,
  maps: async () => (await import('./maps.js')).runMaps,
  snapshot: async () => (await import('./snapshot.js')).runSnapshot,
  diff: async () => (await import('./diff.js')).runDiff,
  pages: async () => (await import('./pages.js')).runPages,
  translate: async () => (await import('./translate.js')).runTranslate,
  sim: async () => (await import('./sim.js')).runSim,
  serve: async () => (await import('./serve.js')).runServe,
  exporter: async () => (await import('./exporter.js')).runExporter,
  start: async () => (await import('./start.js')).runStart,
};

/** Runs the named command, or fails with bad-arg naming the unknown command. */
export async function runCommand(name: string, argv: string[]): Promise<number> {
  const load = COMMANDS[name];
  if (load === undefined) throw new ApiError('bad-arg', `unknown command ${JSON.stringify(name)}; see memscope --help`);
  const run = await load();
  return run(argv);
}
