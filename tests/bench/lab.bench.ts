// The app side of issues 4 and 5, timed: the Allocator lab's full pass and seeks (scrub, step back) per model and
// trace size; getPages on a resident 1 GiB range (its JSON size too); a what-if on 262,144 pages.
import { readPageMap } from '../../electron/host/proc/page-state-map-reader.js';
import { classifyPages, MAX_PAGES_PER_CALL } from '../../shared/proc/page-state-map.js';
import { createMallocLabSession, explainMallocLabOp, seekMallocLab } from '../../shared/sim/lab/malloc-session.js';
import { planWhatIf, simulateWhatIf } from '../../shared/sim/lab/what-if.js';
import { createDefaultParams } from '../../shared/sim/malloc/glibc/params.js';
import { createGlibcReplayModel } from '../../shared/sim/malloc/glibc/replay.js';
import type { MallocReplayModel, ReplayProgress } from '../../shared/sim/malloc/replay-model.js';
import { createDefaultTcmallocParams } from '../../shared/sim/malloc/tcmalloc/params.js';
import { createTcmallocReplayModel } from '../../shared/sim/malloc/tcmalloc/replay.js';
import { generateWorkload } from '../../shared/sim/malloc/workloads.js';
import { createRng } from '../../shared/sim/rng.js';
import type { Trace } from '../../shared/sim/trace.js';
import { startSubject } from '../helpers/subject.js';
import { median } from './measure.js';

function benchSession<R extends ReplayProgress>(label: string, model: MallocReplayModel<R>, trace: Trace): void {
  const s = createMallocLabSession(model, trace, { nowMs: () => performance.now(), keepEvent: (k) => (k >= 7 && k <= 12) || k === 104 || k === 113 });
  const rng = createRng(42);
  const scrub: number[] = [];
  for (let k = 0; k < 30; k++) {
    const t = performance.now();
    explainMallocLabOp(s, rng.nextInt(0, trace.length + 1));
    scrub.push(performance.now() - t);
  }
  const back: number[] = [];
  seekMallocLab(s, Math.floor(trace.length * 0.7));
  for (let k = 0; k < 30; k++) {
    const t = performance.now();
    explainMallocLabOp(s, Math.floor(trace.length * 0.7) - k);
    back.push(performance.now() - t);
  }
  console.log(
    `${label.padEnd(28)} pass ${s.passMs.toFixed(0).padStart(6)} ms  ${String(s.checkpoints.length).padStart(3)} checkpoints  scrub median ${median(scrub).toFixed(1).padStart(6)} ms max ${Math.max(...scrub).toFixed(1).padStart(6)} ms  step back median ${median(back).toFixed(1).padStart(6)} ms`,
  );
}

/** Prints the lab's replay, page-map and what-if timings. */
export async function benchLab(): Promise<void> {
  console.log('\n## Allocator lab: full pass (series, timeline, checkpoints) and seeks (random scrub; step back one op at a time)');
  for (const opCount of [2000, 20000, 200000]) {
    for (const name of ['random', 'many-small']) {
      const trace = generateWorkload(name, { seed: 1, opCount });
      benchSession(`glibc ${name} ${opCount}`, createGlibcReplayModel(trace, createDefaultParams()), trace);
      benchSession(`tcmalloc ${name} ${opCount}`, createTcmallocReplayModel(trace, createDefaultTcmallocParams()), trace);
    }
  }

  console.log(`\n## getPages: a resident 1 GiB range (${MAX_PAGES_PER_CALL} pages), read + encoded, median of 5`);
  const subject = await startSubject(1024, 1024);
  try {
    const walls: number[] = [];
    let bytes = 0;
    let root = false;
    for (let run = 0; run < 6; run++) {
      const t = performance.now();
      const map = readPageMap(subject.pid, subject.anonStart, MAX_PAGES_PER_CALL);
      const json = JSON.stringify(map);
      if (run > 0) walls.push(performance.now() - t);
      bytes = json.length;
      root = map.pfnsVisible;
    }
    console.log(`readPageMap + JSON.stringify   ${median(walls).toFixed(0).padStart(5)} ms, ${(bytes / 1e6).toFixed(2)} MB of JSON${root ? ' (root: with kpagecount + kpageflags)' : ' (no root: pagemap only)'}`);
    const map = readPageMap(subject.pid, subject.anonStart, MAX_PAGES_PER_CALL);
    const t0 = performance.now();
    const { states } = classifyPages(map);
    const classifyMs = performance.now() - t0;
    console.log(`classifyPages (the renderer)   ${classifyMs.toFixed(0).padStart(5)} ms`);

    console.log(`\n## What if on ${MAX_PAGES_PER_CALL} pages: plan + simulate fork, child writes 30% at random (12 frames), parent exits`);
    const t1 = performance.now();
    const plan = planWhatIf({ type: 'anon', share: 'private', pages: states.length }, states, [
      { op: 'fork', proc: 'p0', child: 'c1' },
      { op: 'write', proc: 'c1', percent: 30, order: 'random', seed: 1 },
      { op: 'exit', proc: 'p0' },
    ]);
    const t2 = performance.now();
    const frames = simulateWhatIf(plan);
    const t3 = performance.now();
    console.log(`planWhatIf ${(t2 - t1).toFixed(0)} ms · simulateWhatIf ${(t3 - t2).toFixed(0)} ms for ${frames.length} frames`);
  } finally {
    await subject.kill();
  }
}
