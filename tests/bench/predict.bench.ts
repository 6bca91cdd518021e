// Benchmark row for issue 12's closing note: predicted vs measured heap footprint per allocator variant for one
// real program (sort of a generated 200,000-line file, one thread, 2 MiB buffer): `memscope record` once,
// `sim malloc --variants --json`, then the program really run under each variant with `record --measure`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH } from '../helpers/paths.js';

/** One variant as `sim malloc --variants --json` prints it. */
interface Predicted {
  name: string;
  allocator: string;
  env: string;
  peak_bytes: number | null;
  final_bytes: number | null;
  error: string | null;
}

const MEASURED = /footprint (\d+) bytes peak \(after op \d+\), (\d+) bytes at exit \(measured: /;

/** Runs the CLI; throws its stderr on failure. */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string; ms: number } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [CLI_PATH, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`memscope ${args.join(' ')}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t };
}

const percent = (predicted: number, measured: number): string => `${((Math.abs(predicted - measured) / measured) * 100).toFixed(2)} %`;

/** Prints one row per variant: predicted and measured peak and at-exit footprint, and the error. */
export function benchPredict(): void {
  if (!existsSync('/usr/bin/sort')) {
    console.log('\n## predict: skipped (needs /usr/bin/sort)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'memscope-predict-bench-'));
  try {
    const input = join(dir, 'input.txt');
    let text = '';
    for (let i = 1; i <= 200_000; i++) text += `${(i * 7919) % 100_003} line ${i}\n`;
    writeFileSync(input, text);
    const cmd = ['--', '/usr/bin/sort', '--parallel=1', '-S', '2M', input, '-o', '/dev/null'];
    const trace = join(dir, 'sort.trace');
    runCli(['record', '-o', trace, ...cmd]);
    const sim = runCli(['sim', 'malloc', '--variants', '--json', trace]);
    const predicted = (JSON.parse(sim.stdout) as { ops: number; variants: Predicted[] });
    console.log(`\n## predict: sort of 200,000 lines (${predicted.ops} ops), footprint = brk heap + arena heaps + mmapped chunks; sim malloc --variants ${sim.ms.toFixed(0)} ms`);
    console.log('variant                 predicted peak / at exit    measured peak / at exit     error peak / at exit');
    for (const v of predicted.variants) {
      if (v.peak_bytes === null || v.final_bytes === null) {
        console.log(`${v.name.padEnd(24)}not simulated: ${v.error ?? ''}`);
        continue;
      }
      const pred = `${v.peak_bytes} / ${v.final_bytes}`.padEnd(28);
      const eq = v.env.indexOf('=');
      const m = MEASURED.exec(runCli(['record', '--measure', ...cmd], v.env === '' ? {} : { [v.env.slice(0, eq)]: v.env.slice(eq + 1) }).stderr);
      if (m === null) throw new Error(`${v.name}: no footprint measured`);
      const [peak, final] = [Number(m[1]), Number(m[2])];
      console.log(`${v.name.padEnd(24)}${pred}${`${peak} / ${final}`.padEnd(28)}${percent(v.peak_bytes, peak)} / ${percent(v.final_bytes, final)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
