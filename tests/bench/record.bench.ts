// Benchmark: the recording overhead of `memscope record` (issue 12: at most 2× on an allocation-heavy real
// program). python3 json.load + json.dump of a ~5 MB document with PYTHONMALLOC=malloc (every object through
// malloc: ≈5 M ops), run plain and under the shim, median of 5 each; wall and CPU (user + sys).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRecordShim } from '../../electron/host/record/shim-build.js';
import { summarizeTrace } from '../../electron/host/record/trace-summary.js';
import { CLI_PATH } from '../helpers/paths.js';
import { oracleMissing, requireOracle } from '../helpers/oracles.js';
import { childrenCpuMs, median } from './measure.js';

const RUNS = 5;

/** ~5 MB of JSON: objects with strings, numbers and short lists, as a service's payload would be. */
function writeDocument(path: string): number {
  const items = Array.from({ length: 62_000 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b', 'c'], price: i * 0.25, ok: i % 2 === 0 }));
  const text = JSON.stringify(items);
  writeFileSync(path, text);
  return text.length;
}

/** Median wall ms and mean CPU ms of `runs` runs of python3 script; before() runs ahead of each. */
function timePython(python: string, script: string, env: NodeJS.ProcessEnv, runs: number, before: () => void): { wallMs: number; cpuMs: number } {
  const walls: number[] = [];
  let cpuMs = 0;
  for (let i = 0; i < runs; i++) {
    before();
    const cpu0 = childrenCpuMs();
    const t = performance.now();
    const r = spawnSync(python, ['-c', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    walls.push(performance.now() - t);
    cpuMs += childrenCpuMs() - cpu0;
    if (r.status !== 0) throw new Error(`python3 exited ${r.status}`);
  }
  return { wallMs: median(walls), cpuMs: cpuMs / runs };
}

/** Prints the python workload plain, under the shim, and through the whole `memscope record` command. */
export function benchRecord(): void {
  const missing = oracleMissing('python3');
  if (missing !== false) {
    console.log(`\n## record: skipped (${missing})`);
    return;
  }
  const python = requireOracle('python3');
  const dir = mkdtempSync(join(tmpdir(), 'memscope-record-bench-'));
  try {
    const doc = join(dir, 'doc.json');
    const docBytes = writeDocument(doc);
    const script = `import json\nobj = json.load(open(${JSON.stringify(doc)}))\njson.dump(obj, open(${JSON.stringify(join(dir, 'out.json'))}, 'w'))`;
    const trace = join(dir, 'bench.trace');
    const shim = ensureRecordShim();
    const env = { PYTHONMALLOC: 'malloc' };
    // The shim writes only into an empty TRACE whose creator is its parent (memscope-record.c decide()).
    const recorded = { ...env, LD_PRELOAD: shim, MEMSCOPE_RECORD_TRACE: trace, MEMSCOPE_RECORD_PARENT: String(process.pid) };
    const plain = timePython(python, script, env, RUNS, () => {});
    const shimmed = timePython(python, script, recorded, RUNS, () => writeFileSync(trace, ''));
    const summary = summarizeTrace(trace);

    writeFileSync(trace, '');
    const t = performance.now();
    const cli = spawnSync(process.execPath, [CLI_PATH, 'record', '-o', trace, python, '-c', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const cliMs = performance.now() - t;
    if (cli.status !== 0) throw new Error(`memscope record exited ${cli.status}: ${cli.stderr.toString()}`);

    console.log(`\n## record: python3 json.load + json.dump of ${(docBytes / 1e6).toFixed(1)} MB, PYTHONMALLOC=malloc (median of ${RUNS})`);
    console.log(`trace: ${summary.opCount} ops, ${(statSync(trace).size / 1e6).toFixed(0)} MB`);
    console.log(`plain          wall ${plain.wallMs.toFixed(0)} ms   cpu ${plain.cpuMs.toFixed(0)} ms`);
    console.log(`under the shim wall ${shimmed.wallMs.toFixed(0)} ms   cpu ${shimmed.cpuMs.toFixed(0)} ms`);
    console.log(`ratio          wall ${(shimmed.wallMs / plain.wallMs).toFixed(2)}×   cpu ${(shimmed.cpuMs / plain.cpuMs).toFixed(2)}×   (target ≤ 2×)`);
    console.log(`memscope record end to end (node start, shim cached, summary): ${cliMs.toFixed(0)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
