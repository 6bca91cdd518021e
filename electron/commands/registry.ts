// The CLI's commands: name → usage text and a lazily imported runner (so `memscope top` never loads the
// server or systeminformation). Each command's usage is written once, here: `memscope --help` lists every
// synopsis and summary, `memscope COMMAND --help` (or `-h`, or `memscope help COMMAND`) prints the same
// text followed by the command's option details.
import { ApiError } from '../../shared/errors.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import { MAX_TIMER_DELAY_MS } from '../../shared/validate.js';

type Runner = (argv: string[]) => Promise<number>;

/** One command or subcommand: its usage, and how to run it. */
export interface CommandSpec {
  /** The usage line after "memscope NAME ", e.g. "[-n N] [--json]"; more lines continue it. Empty with subcommands (their names are listed). */
  synopsis: string[];
  /** What it does, a few lines, shown by `memscope --help` and by the command's own help. */
  summary: string[];
  /** Option by option, shown only by the command's own help; a function when it names things other modules define. */
  details?: string[] | (() => Promise<string[]>);
  /** Loads the runner; absent when the command only dispatches to subcommands. */
  load?: () => Promise<Runner>;
  /** Subcommands (`sim malloc`, …), listed in place of this command by `memscope --help`. */
  subcommands?: Record<string, CommandSpec>;
  /** What a subcommand is called in errors ("simulator"). */
  subcommandNoun?: string;
}

/** `-d SECONDS` as top, serve and exporter read it (shared/validate.ts parseIntervalMs has the bound). */
const INTERVAL_DETAIL = (defaultS: number, minS: number) =>
  `-d SECONDS     sampling interval (default ${defaultS}), ${minS} to ${MAX_TIMER_DELAY_MS / 1000} (the longest timer Node has)`;

const SERVE_OPTIONS = [
  '--host HOST    address to bind (default 127.0.0.1; anything else is reachable from the network)',
  '-p, --port N   port (default 7878, or any free port when 7878 is taken; 0 picks one)',
  '--open         open the URL in the default browser',
  INTERVAL_DETAIL(1, 0.05),
  '--metrics      also serve Prometheus /metrics, behind the same token',
  '--token-file F take the token from F (one line of printable ASCII), so it survives restarts',
  '--history-ticks N  ticks kept one by one per process, 1 to 900 (default 15 min of ticks); older ones in 10 s buckets',
];

const PATTERN_DETAILS = [
  'PATTERN        a built-in NAME[:key=value,…] (--list shows them with their defaults) or a file of accesses:',
  '               JSON [{"address":"hex","size":8,"op":"R"}] or text lines "R|W ADDR SIZE"',
  '--format F     table (default) or json',
  '--list         list the built-in patterns and exit',
];

/** The commands in the order `memscope --help` lists them. */
export const COMMANDS: Record<string, CommandSpec> = {
  start: {
    synopsis: ['[serve options]'],
    summary: ['the desktop app (Electron), or browser mode (memscope serve --open with these options) where Electron cannot run'],
    details: ['takes the options of memscope serve (see memscope serve --help); they apply to browser mode'],
    load: async () => (await import('./start.js')).runStart,
  },
  top: {
    synopsis: ['[-n N] [-d SECONDS] [-o COLUMNS] [--sort FIELD] [--limit K] [--json]'],
    summary: ['every process, like top -b (VIRT=VmSize RES=VmRSS SHR=RssFile+RssShmem SWAP=VmSwap)'],
    details: [
      '-n N           print N ticks, then exit (default: until interrupted)',
      INTERVAL_DETAIL(1, 0.01),
      '-o, --columns L  columns to print, comma-separated ids or headers (default PID,VIRT,RES,SHR,S,%CPU,%MEM,TIME+,COMMAND:',
      '               stat + statm only; USER and SWAP also read status); --json without -o prints every column',
      '-s, --sort F   sort by a column id or header: RES (default), VIRT, SHR, SWAP, %CPU, %MEM, PID, COMMAND, …',
      '-k, --limit K  print the first K processes of each tick',
      '--json         one JSON array of process rows per tick (exact text; the table shows control characters as \\x1b, \\n, …)',
    ],
    load: async () => (await import('./top.js')).runTop,
  },
  maps: {
    synopsis: ['PID [--json] [--groups]'],
    summary: ["a process's mappings with every smaps field, like pmap -X, with totals;", '--groups sums them per backing file (a library\'s real size)'],
    details: ['--json         the whole report (every smaps field, rollup, totals, VmSize check) as JSON', '-g, --groups   one line per backing file, biggest Rss first'],
    load: async () => (await import('./maps.js')).runMaps,
  },
  snapshot: {
    synopsis: ['PID [-o FILE|-]'],
    summary: ['write a versioned JSON snapshot of one process (atomically; default', 'memscope-PID-TIME.json, - for stdout)'],
    details: ['-o, --output F  where to write it; - writes to standard output'],
    load: async () => (await import('./snapshot.js')).runSnapshot,
  },
  diff: {
    synopsis: ['A.json B.json [--json]'],
    summary: ['what grew, shrank, split, merged, appeared and disappeared between two snapshots (regions matched by overlap and backing)'],
    details: ['--json         the whole diff as JSON (the table lists changed mappings and the top 20 groups)'],
    load: async () => (await import('./diff.js')).runDiff,
  },
  pages: {
    synopsis: ['PID START[-END] [--json]'],
    summary: [
      'a range page by page from /proc/PID/pagemap (present, swapped, exclusive,',
      'file, soft-dirty; as root pfn, map count, kpageflags), with totals;',
      "START/END hex (0x optional, END exclusive, default: end of START's mapping)",
    ],
    details: ['--json         one JSON document, streamed'],
    load: async () => (await import('./pages.js')).runPages,
  },
  translate: {
    synopsis: ['PID ADDR [--json]'],
    summary: [
      'how ADDR (hex) becomes a physical address: PGD/P4D/PUD/PMD/PTE indices,',
      'page size (4 KiB, 2 MiB THP/hugetlb), pagemap state; as root PFN, physical',
      'address, kpagecount and kpageflags',
    ],
    details: ['--json         the walk as JSON'],
    load: async () => (await import('./translate.js')).runTranslate,
  },
  heap: {
    synopsis: ['PID [--json] [--freeze] [--chunks]'],
    summary: [
      "a live process's glibc 2.36 heap without debug symbols: arenas, chunks in use",
      'and free by list (tcache, fastbins, unsorted, small, large), mmapped, mallinfo2,',
      'what malloc_trim(0) would return now, and what the heap mappings\' RSS is made of',
    ],
    details: [
      '--json         the report as JSON (arenas, mmapped, mallinfo2 as glibc computes it, trim, explain)',
      '--chunks       every chunk too: address, size and state (in_use, a free list, top)',
      '--freeze       stop the process (SIGSTOP) for the read and always resume it (SIGCONT);',
      '               without it the heap is read until two reads agree, else reported torn',
      'needs ptrace access to the process (root, or your own process when ptrace is allowed)',
    ],
    load: async () => (await import('./heap.js')).runHeap,
  },
  record: {
    synopsis: ['[-o TRACE] [--follow] [--addresses] [--measure] [--] CMD [ARGS…]'],
    summary: [
      "run CMD recording every malloc/free/calloc/realloc/memalign/… call of every thread",
      '(an LD_PRELOAD shim built with cc on first use) as a memscope-trace 2 for sim malloc',
    ],
    details: [
      '-o, --output F  the trace (default memscope-CMD-TIME.trace here); a device or FIFO is written into as it is',
      '--follow       also record children (fork, exec), each into TRACE.PID',
      '--addresses    each a/c/m/r line also gets =HEX, the pointer the real allocator returned',
      '--measure      keep no ops, only the heap footprint the real run reached (peak and at exit:',
      '               brk heap + arena heaps + mmapped chunks; TCMalloc: its page heap); every trace ends with it',
      "CMD's output and exit status pass through (128+N when signal N ends it); memscope's options",
      "end at CMD, so `memscope record python3 -c …` passes -c on (CMD's own --help needs -- before CMD)",
    ],
    load: async () => (await import('./record.js')).runRecord,
  },
  sim: {
    synopsis: [],
    summary: ['simulators: allocators, demand paging and copy-on-write, CPU caches, the data TLB'],
    subcommandNoun: 'simulator',
    subcommands: {
      malloc: {
        synopsis: [
          '[--allocator glibc|tcmalloc] [--tunables STRING] [--format summary|table|jsonl]',
          '[--workload NAME [--ops N] [--seed S]] [TRACE|-]',
          '--variants [--json] [--workload NAME [--ops N] [--seed S]] [TRACE|-]',
        ],
        summary: ['replay a malloclab/JSON trace or a built-in workload through the glibc 2.36 or TCMalloc 2.10 model'],
        details: async () => {
          const [{ WORKLOADS }, { DEFAULT_WORKLOAD_OPS, MAX_WORKLOAD_OPS }] = await Promise.all([
            import('../../shared/sim/malloc/workloads.js'),
            import('./sim-malloc.js'),
          ]);
          return [
            'TRACE          CMU malloclab .rep file (a ID SIZE / f ID / r ID SIZE) or JSON [{"op":"a","id":0,"size":8}];',
            "               or '# memscope-trace 2' (also c, m, t, x, @ lines; shared/sim/TRACE-FORMAT.md); - reads standard input",
            `--workload W   a built-in workload instead of TRACE: ${WORKLOADS.map((w) => w.name).join(', ')}`,
            `               (--ops N ops, default ${DEFAULT_WORKLOAD_OPS}, at most ${MAX_WORKLOAD_OPS}; --seed S, default 1)`,
            '--tunables S   glibc: a GLIBC_TUNABLES string, e.g. glibc.malloc.tcache_count=0:glibc.malloc.mmap_threshold=65536',
            '               tcmalloc: TCMALLOC_* settings, e.g. TCMALLOC_RELEASE_RATE=0:TCMALLOC_TRANSFER_NUM_OBJ=64',
            '--format F     summary (default): heap size and peak, in use, fragmentation, requests per path, brk/mmap calls',
            '               table: one row per op (result, chunk size, the path that served it, events in words)',
            '               jsonl: one JSON record per op, as tests/harness/malloc-replay.c prints it for the real glibc',
            '--variants     predict the heap footprint (brk heap + arena heaps + mmapped chunks; peak and at exit)',
            '               under glibc, GLIBC_TUNABLES arena_max=2, mmap_threshold=32768, trim_threshold=32768',
            '               and TCMalloc (LD_PRELOAD=libtcmalloc_minimal.so.4), one simulated row each; --json as JSON',
          ];
        },
        load: async () => (await import('./sim-malloc.js')).runSimMalloc,
      },
      pages: {
        synopsis: ['SCENARIO.json [--format table|json]'],
        summary: ['simulate demand paging, fork and copy-on-write over a scenario'],
        details: async () => {
          const [{ MAX_TABLE_ROWS }, { MAX_PAGE_OPS, MAX_PROCS, MAX_REGION_PAGES, MAX_REGIONS }, { MAX_FRAMES, MAX_PAGE_TABLES }] = await Promise.all([
            import('../../shared/sim/pages/format.js'),
            import('../../shared/sim/pages/scenario.js'),
            import('../../shared/sim/pages/state.js'),
          ]);
          return [
            '--format F     table (default): one row per step; json: the whole report',
            `bounds (beyond one: exit 2): ${MAX_REGIONS} regions of ${MAX_REGION_PAGES} pages (16 GiB) together, ${MAX_PROCS} processes,`,
            `  ${MAX_PAGE_OPS} page operations (touched and advised pages, plus every region's pages per fork and exit),`,
            `  ${MAX_TABLE_ROWS} table rows (use --format json beyond); while running, ${MAX_FRAMES} physical pages (64 GiB)`,
            `  and ${MAX_PAGE_TABLES} page tables (64 GiB mapped)`,
          ];
        },
        load: async () => (await import('./sim-pages.js')).runSimPages,
      },
      cache: {
        synopsis: ['[--geometry SIZE:WAYS:LINE,…] [--format table|json] [--sets] PATTERN…'],
        summary: [
          'simulate the CPU data caches (LRU, write-allocate; default geometry from',
          '/sys/devices/system/cpu/cpu0/cache): accesses, hits, misses per level',
        ],
        details: async () => {
          const [{ MAX_CACHE_LEVELS, MAX_CACHE_LINES, MAX_CACHE_WAYS }, { MAX_PATTERN_ACCESSES }, { MAX_LIST_NODES }] = await Promise.all([
            import('../../shared/sim/cache/geometry.js'),
            import('../../shared/sim/access/access-pattern.js'),
            import('../../shared/sim/access/patterns.js'),
          ]);
          return [
            ...PATTERN_DETAILS,
            '--geometry G   levels from L1d down, e.g. 32K:8:64,1M:8:64 (default: this machine)',
            '--sets         also print line misses per set',
            `bounds (beyond one: exit 2): ${MAX_PATTERN_ACCESSES} accesses per pattern and for all patterns together,`,
            `  ${MAX_LIST_NODES} list-walk nodes; ${MAX_CACHE_LEVELS} levels of at most ${MAX_CACHE_LINES} lines and ${MAX_CACHE_WAYS} ways`,
          ];
        },
        load: async () => (await import('./sim-cache.js')).runSimCache,
      },
      tlb: {
        synopsis: ['[--entries N] [--ways W] [--page 4k|2m] [--format table|json] PATTERN…'],
        summary: ['simulate the data TLB on the same patterns; 4 KiB against 2 MiB pages', 'unless --page is given, with reach = entries × page size'],
        details: async () => {
          const [{ MAX_TLB_ENTRIES, MAX_TLB_WAYS }, { MAX_PATTERN_ACCESSES }] = await Promise.all([
            import('../../shared/sim/tlb/params.js'),
            import('../../shared/sim/access/access-pattern.js'),
          ]);
          return [
            ...PATTERN_DETAILS,
            '--entries N    TLB entries; --ways W: associativity; --page 4k|2m: one page size only',
            `bounds (beyond one: exit 2): ${MAX_TLB_ENTRIES} entries, ${MAX_TLB_WAYS} ways; ${MAX_PATTERN_ACCESSES} accesses per pattern and for all patterns together`,
          ];
        },
        load: async () => (await import('./sim-tlb.js')).runSimTlb,
      },
    },
  },
  serve: {
    synopsis: ['[--host 127.0.0.1] [--port N] [--open] [-d SECONDS] [--metrics] [--token-file FILE] [--history-ticks N]', '[--history-budget SIZE]'],
    summary: ['browser mode: the UI and API on http://HOST:PORT/?token=… (token required)'],
    details: async () => [
      ...SERVE_OPTIONS,
      '--history-budget SIZE  memory of all histories (K, M, G suffixes): over it, old buckets merge pairwise;',
      `               ${(await import('./serve.js')).describeHistoryBudgetRange()}`,
    ],
    load: async () => (await import('./serve.js')).runServe,
  },
  exporter: {
    synopsis: ['[--listen 127.0.0.1:9187] [--config FILE] [--token-file FILE] [-d SECONDS] [--once]'],
    summary: [
      'Prometheus /metrics only, for fleets; a non-loopback --listen needs --token-file;',
      '--config groups processes and selects PSS/USS (README: fleet); --once prints once',
    ],
    details: [
      '--listen H:P   address (default 127.0.0.1:9187; [::1]:9187 for IPv6, :9187 for every IPv4 interface)',
      '--config FILE  name groups and PSS selection (JSON, see README "Config file")',
      '--token-file F every scrape must carry Authorization: Bearer <the first line of F>',
      INTERVAL_DETAIL(1, 0.05),
      '--once         print one exposition to stdout and exit',
    ],
    load: async () => (await import('./exporter.js')).runExporter,
  },
};

/** The exit status line, shared by every help text (and README's "The CLI"). */
export const EXIT_STATUS = 'exit status: 0 ok, 1 failed (process gone, permission denied, a file unreadable, malformed or unwritable), 2 bad usage';

/**
 * One command's usage block: `lead` + "memscope NAME" + the synopsis (continuation lines aligned under it),
 * then the summary indented. A command with subcommands shows their names as its synopsis.
 */
function formatUsageBlock(path: string[], spec: CommandSpec, lead: string): string[] {
  const head = `${lead}memscope ${path.join(' ')} `;
  const [first = '', ...more] = spec.subcommands === undefined ? spec.synopsis : [`${Object.keys(spec.subcommands).join('|')} …`];
  const indent = ' '.repeat(lead.length - lead.trimStart().length);
  return [`${head}${first}`, ...more.map((l) => `${' '.repeat(head.length)}${l}`), ...spec.summary.map((l) => `${indent}    ${l}`)];
}

/** The blocks of a command, or of each of its subcommands, indented by two spaces. */
function formatUsageBlocks(path: string[], spec: CommandSpec): string[] {
  if (spec.subcommands === undefined) return formatUsageBlock(path, spec, '  ');
  return Object.entries(spec.subcommands).flatMap(([name, sub]) => formatUsageBlock([...path, name], sub, '  '));
}

/** Printed by `memscope --help`: every command's synopsis and summary. */
export function formatUsage(): string {
  const blocks = Object.entries(COMMANDS).flatMap(([name, spec]) => [...(name === 'serve' ? [''] : []), ...formatUsageBlocks([name], spec)]);
  return `memscope — what a process's memory really is\n\nusage:\n${blocks.join('\n')}\n\n${EXIT_STATUS}\n`;
}

/** Printed by `memscope COMMAND --help`: the same synopsis and summary, then the details. */
export async function formatCommandHelp(path: string[], spec: CommandSpec): Promise<string> {
  const details = typeof spec.details === 'function' ? await spec.details() : (spec.details ?? []);
  const lines = formatUsageBlock(path, spec, 'usage: ');
  if (spec.subcommands !== undefined) lines.push('', ...formatUsageBlocks(path, spec));
  if (details.length > 0) lines.push('', 'options:', ...details.map((l) => `  ${l}`));
  return `${lines.join('\n')}\n\n${EXIT_STATUS}\n`;
}

/** Every command and subcommand path (`['top']`, `['sim', 'malloc']`, …), for tests that must cover them all. */
export function listCommandPaths(): string[][] {
  const out: string[][] = [];
  const walk = (path: string[], spec: CommandSpec) => {
    out.push(path);
    for (const [name, sub] of Object.entries(spec.subcommands ?? {})) walk([...path, name], sub);
  };
  for (const [name, spec] of Object.entries(COMMANDS)) walk([name], spec);
  return out;
}

/** True when argv asks for help (-h or --help before any `--`): help wins over every other argument. */
function asksForHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '-h' || a === '--help');
}

/** Known names of a table, for error messages. */
const namesOf = (table: Record<string, CommandSpec>) => Object.keys(table).join(', ');

/**
 * The command argv names, descending into subcommands, and the arguments left for it. Names are resolved
 * first (an unknown one is bad usage even with --help); `sim --help` stops at sim itself.
 */
function resolveCommand(argv: string[]): { path: string[]; spec: CommandSpec; rest: string[] } {
  const [name = '', ...rest] = argv;
  let spec = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (spec === undefined) throw new ApiError('bad-arg', `unknown command ${quoteUserInput(name)}; see memscope --help`);
  const path = [name];
  while (spec.subcommands !== undefined) {
    const next = rest[0];
    if (next !== undefined && asksForHelp([next])) break;
    const table: Record<string, CommandSpec> = spec.subcommands;
    const noun = spec.subcommandNoun ?? 'subcommand';
    const see = `see memscope ${path.join(' ')} --help`;
    if (next === undefined) throw new ApiError('bad-arg', `${path.join(' ')}: expected a ${noun} (${namesOf(table)}); ${see}`);
    const sub = Object.hasOwn(table, next) ? table[next] : undefined;
    if (sub === undefined) throw new ApiError('bad-arg', `${path.join(' ')}: unknown ${noun} ${quoteUserInput(next)} (expected ${namesOf(table)}); ${see}`);
    path.push(next);
    rest.shift();
    spec = sub;
  }
  return { path, spec, rest };
}

/**
 * Runs `memscope ARGV…`: the named command with the rest of argv, its help when argv asks for it (exit 0, even
 * when other arguments are wrong), or `memscope help [COMMAND…]`. Throws ApiError('bad-arg') for an unknown name.
 */
export async function runCommand(argv: string[]): Promise<number> {
  const [first, ...afterFirst] = argv;
  if (first === 'help' || first === '-h' || first === '--help') {
    if (afterFirst.length === 0) {
      process.stdout.write(formatUsage());
      return 0;
    }
    return runCommand([...afterFirst, '--help']);
  }
  const { path, spec, rest } = resolveCommand(argv);
  if (asksForHelp(rest) || spec.load === undefined) {
    process.stdout.write(await formatCommandHelp(path, spec));
    return 0;
  }
  return (await spec.load())(rest);
}
