// smaps of a process with 20,000 mappings: reading vs reading + parsing (objects, or straight to
// JSON text), and `memscope maps PID` (text and --json) as whole processes beside `pmap -X PID` and the
// floors (`cat` of smaps: the kernel's cost; `node -e 0`: Node's start-up), wall and CPU; then
// `memscope snapshot` of 65,000 mappings: time and peak RSS (streamed; it held the whole document: 290 MB).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcReader } from '../../electron/host/proc/proc-reader.js';
import { parseSmaps } from '../../shared/proc/smaps.js';
import { writeSmapsJson } from '../../shared/proc/smaps-json.js';
import { buildHarness } from '../helpers/c-build.js';
import { CLI_PATH } from '../helpers/paths.js';
import { childrenCpuMs, median, startAndWaitForLine, timeCommand, timeFn } from './measure.js';

/** Prints the smaps comparison. */
export async function benchSmaps(): Promise<void> {
  const { child } = await startAndWaitForLine(buildHarness('many-maps.c'), ['20000']);
  const pid = child.pid ?? 0;
  try {
    // Whole processes first, while this process is idle (its own garbage collection, after the
    // timings below, would run on the core the CLI's compiler threads use), alternated so that a
    // busy moment of the machine hits all alike; CPU time as well as wall (others load the machine).
    (globalThis as { gc?: () => void }).gc?.();
    const peers = wholeProcessPeers(pid);
    const runs = peers.map(() => [] as { wallMs: number; cpuMs: number }[]);
    for (let i = 0; i < WHOLE_RUNS; i++) peers.forEach(({ cmd, args, env }, k) => runs[k]!.push(timeCommand(cmd, args, 1, env)));
    // CPU is the children's (cutime + cstime, 10 ms ticks): a mean over the runs is finer than a median.
    const whole = runs.map((r) => ({ wallMs: median(r.map((x) => x.wallMs)), cpuMs: r.reduce((sum, x) => sum + x.cpuMs, 0) / r.length }));
    const reader = new ProcReader();
    const size = reader.readProcFile(pid, 'smaps').length;
    const readOnly = timeFn(() => reader.readProcFile(pid, 'smaps'), 7);
    const readParse = timeFn(() => parseSmaps(reader.readProcFile(pid, 'smaps'), null), 7);
    const bytes = reader.readProcFileCopy(pid, 'smaps');
    const parseOnly = timeFn(() => parseSmaps(bytes, null), 7);
    // As the CLI does it: the JSON written over the bytes just read (the reader's buffer is scratch).
    const readJson = timeFn(() => writeSmapsJson(reader.readProcFile(pid, 'smaps'), null, { overwriteInput: true }), 7);
    const jsonOnly = timeFn(() => writeSmapsJson(bytes, null), 7);
    console.log(`\n## smaps with ${parseSmaps(bytes, null).length} mappings (${(size / 1e6).toFixed(1)} MB; medians)`);
    console.log(`${'what'.padEnd(46)} ${'wall ms'.padStart(9)}`);
    for (const [name, r] of [
      ['read smaps only (kernel generates it)', readOnly],
      ['read + parseSmaps', readParse],
      ['parseSmaps alone (bytes in memory)', parseOnly],
      ['read + writeSmapsJson (JSON text, no objects)', readJson],
      ['writeSmapsJson alone (bytes in memory)', jsonOnly],
    ] as const) {
      console.log(`${name.padEnd(46)} ${r.wallMs.toFixed(1).padStart(9)}`);
    }
    console.log(`read+parse is ${(readParse.wallMs / readOnly.wallMs).toFixed(2)}x reading alone, read+writeSmapsJson ${(readJson.wallMs / readOnly.wallMs).toFixed(2)}x`);
    // Whole processes: wall medians and CPU means of the alternated runs; "x pmap" is how many times faster than pmap -X.
    const pmap = whole[peers.findIndex((p) => p.cmd === 'pmap')]!;
    const ratio = (k: number) => ({ wall: pmap.wallMs / whole[k]!.wallMs, cpu: pmap.cpuMs / whole[k]!.cpuMs });
    console.log(`${`whole process (${WHOLE_RUNS} runs each, alternated)`.padEnd(62)} ${'wall ms'.padStart(9)} ${'CPU ms'.padStart(8)} ${'x pmap wall'.padStart(12)} ${'x pmap CPU'.padStart(11)}`);
    peers.forEach(({ name }, k) => {
      const r = whole[k]!;
      const { wall, cpu } = ratio(k);
      console.log(`${name.padEnd(62)} ${r.wallMs.toFixed(1).padStart(9)} ${r.cpuMs.toFixed(0).padStart(8)} ${wall.toFixed(2).padStart(12)} ${cpu.toFixed(2).padStart(11)}`);
    });
    // The closing note: each form of `memscope maps` against pmap -X (target: at least 1.5x, CPU and wall).
    for (const env of [...new Set(peers.filter((p) => p.form !== undefined).map((p) => p.envNote))]) {
      const quote = (form: string) => {
        const k = peers.findIndex((p) => p.form === form && p.envNote === env);
        const { wall, cpu } = ratio(k);
        return `${form} ${cpu.toFixed(2)}x CPU, ${wall.toFixed(2)}x wall`;
      };
      console.log(`memscope maps vs pmap -X${env}: ${quote('text')}; ${quote('--json')} (target >= 1.5x)`);
    }
    // Output goes to /dev/null ('ignore'); where that is a file, each row also pays for copying what it prints (--json: 10 MB).
    if (!statSync('/dev/null').isCharacterDevice()) console.log('(/dev/null is a regular file on this machine: every row above pays for writing its output into it)');
  } finally {
    child.kill('SIGKILL');
  }
}

/** Runs of each whole process, alternated. */
const WHOLE_RUNS = 11;

/** A command timed as a whole process; form and envNote tie memscope's rows to the closing note. */
interface Peer {
  name: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  form?: 'text' | '--json';
  envNote: string;
}

/**
 * memscope maps (text, --json), pmap -X and the floors (`cat` of smaps: the kernel; `node -e 0`: Node's start-up).
 * Node loads the certificates NODE_EXTRA_CA_CERTS names at start-up, before any of memscope's code (~50 ms CPU
 * here): when this environment sets it, which users' shells do not, the Node rows run both ways.
 */
function wholeProcessPeers(pid: number): Peer[] {
  const node = process.execPath;
  const nodeRows = (env: NodeJS.ProcessEnv | undefined, envNote: string): Peer[] => [
    { name: `memscope maps PID, text${envNote}`, cmd: node, args: [CLI_PATH, 'maps', String(pid)], env, form: 'text', envNote },
    { name: `memscope maps PID --json${envNote}`, cmd: node, args: [CLI_PATH, 'maps', String(pid), '--json'], env, form: '--json', envNote },
    { name: `node -e 0 (Node start-up: the floor)${envNote}`, cmd: node, args: ['-e', '0'], env, envNote },
  ];
  const caCerts = process.env['NODE_EXTRA_CA_CERTS'];
  const peers: Peer[] = [
    ...nodeRows(undefined, caCerts === undefined ? '' : ' [NODE_EXTRA_CA_CERTS set, as here]'),
    { name: 'pmap -X PID', cmd: 'pmap', args: ['-X', String(pid)], envNote: '' },
    { name: 'cat smaps (the kernel: the floor)', cmd: 'cat', args: [`/proc/${pid}/smaps`], envNote: '' },
  ];
  if (caCerts !== undefined) {
    const { NODE_EXTRA_CA_CERTS: _set, ...unset } = process.env;
    peers.push(...nodeRows(unset, ' [unset, as users run it]'));
  }
  return peers;
}

/** Prints the process's peak RSS (kB) on stderr as it exits: loaded before the CLI with --import. */
const PRINT_MAX_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss_kb "+process.resourceUsage().maxRSS+"\\n"))';

/** `memscope snapshot` of many-maps.c with 65,000 mappings (the most a process may have, ~vm.max_map_count): wall, CPU, peak RSS. */
export async function benchSnapshot(): Promise<void> {
  const { child } = await startAndWaitForLine(buildHarness('many-maps.c'), ['65000']);
  const dir = mkdtempSync(join(tmpdir(), 'memscope-bench-snapshot-'));
  try {
    const runs: { wallMs: number; cpuMs: number; maxRssKb: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const cpu0 = childrenCpuMs();
      const t = performance.now();
      const r = spawnSync(process.execPath, ['--import', PRINT_MAX_RSS, CLI_PATH, 'snapshot', String(child.pid), '-o', join(dir, 's.json')], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`memscope snapshot: ${r.stderr}`);
      runs.push({ wallMs: performance.now() - t, cpuMs: childrenCpuMs() - cpu0, maxRssKb: Number(/maxrss_kb (\d+)/.exec(r.stderr)?.[1]) });
    }
    const bytes = statSync(join(dir, 's.json')).size;
    console.log(`\n## memscope snapshot of 65,000 mappings (${(bytes / 1e6).toFixed(1)} MB of JSON; medians of 3)`);
    console.log(
      `wall ${median(runs.map((r) => r.wallMs)).toFixed(0)} ms, CPU ${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms, ` +
        `peak RSS ${(median(runs.map((r) => r.maxRssKb)) / 1024).toFixed(0)} MB (target ≤ 100 MB; before streaming: 1.1 s, 290 MB)`,
    );
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
