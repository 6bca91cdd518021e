// `memscope heap` on tests/harness/heap-subject.c: the time to read a heap of 100 k and 1 M chunks, what the trim
// prediction and the RSS explainer add to it, how long --freeze keeps the process stopped, and mallinfo2 agreement.
import { explainHeap } from '../../shared/heap/explain.js';
import { paramsFromMallocPar } from '../../shared/heap/to-model.js';
import { predictTrim } from '../../shared/heap/trim-prediction.js';
import { readLiveHeap } from '../../electron/host/proc/heap-reader.js';
import { MALLINFO2_FIELDS, startHeapSubject } from '../helpers/heap-subject.js';
import { CLI_PATH } from '../helpers/paths.js';
import { median, timeCommand } from './measure.js';

const RUNS = 3;

async function benchScale(chunks: number): Promise<void> {
  const subject = await startHeapSubject(['0', 'fill', String(chunks)]);
  try {
    const reads: number[] = [];
    const readCpus: number[] = [];
    const trims: number[] = [];
    const explains: number[] = [];
    const stops: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const cpu0 = process.cpuUsage();
      const live = await readLiveHeap(subject.pid);
      reads.push(performance.now() - t);
      const cpu = process.cpuUsage(cpu0);
      readCpus.push((cpu.user + cpu.system) / 1000);
      const params = paramsFromMallocPar(live.mp, live.maxFastBytes);
      const t1 = performance.now();
      const trim = predictTrim(live.details, params, live.residency);
      trims.push(performance.now() - t1);
      const t2 = performance.now();
      explainHeap(live.details, live.mappings, live.residency, trim, live.report.explain.process_rss_bytes);
      explains.push(performance.now() - t2);
      const frozen = await readLiveHeap(subject.pid, { freeze: true });
      stops.push(frozen.report.frozen?.stoppedMs ?? NaN);
    }
    // End to end as a user runs it: node's start, the read, trim, explain and the JSON (CPU beside wall: the machine may be loaded).
    const cli = timeCommand(process.execPath, [CLI_PATH, 'heap', String(subject.pid), '--json'], RUNS);
    const ms = (v: number[]) => `${median(v).toFixed(0)} ms`;
    console.log(
      `${String(chunks).padStart(9)} more chunks | memscope heap --json ${cli.wallMs.toFixed(0)} ms wall, ${cli.cpuMs.toFixed(0)} ms CPU | ` +
        `read in process (incl. trim + explain) ${ms(reads)} wall, ${ms(readCpus)} CPU | of which trim ${ms(trims)}, explain ${ms(explains)} | --freeze stopped ${ms(stops)}`,
    );
  } finally {
    await subject.kill();
  }
}

async function benchAgreement(): Promise<void> {
  let fields = 0;
  let agree = 0;
  for (const args of [[], ['3'], ['3', 'exited'], ['0', 'holes', '300'], ['0', 'fill', '100000']]) {
    const subject = await startHeapSubject(args);
    try {
      const { report } = await readLiveHeap(subject.pid);
      for (const f of MALLINFO2_FIELDS) {
        fields++;
        if (report.mallinfo2[f] === subject.mallinfo2[f]) agree++;
      }
    } finally {
      await subject.kill();
    }
  }
  console.log(`mallinfo2 agreement over 5 subjects: ${agree}/${fields} fields`);
}

/** Prints the heap inspector's costs. */
export async function benchHeapInspect(): Promise<void> {
  console.log(`\n## memscope heap on heap-subject.c (median of ${RUNS})`);
  for (const chunks of [100_000, 1_000_000]) await benchScale(chunks);
  await benchAgreement();
}
