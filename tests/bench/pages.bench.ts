// `memscope pages` over a resident 1 GiB range (262,144 pages), streamed in-process into /dev/null (encoding and
// write included, as the CLI pays them), beside its floor: reading the same 2 MiB of raw pagemap and counting flags.
import { closeSync, openSync, writeSync } from 'node:fs';
import { streamPages } from '../../electron/commands/pages.js';
import { readPagemapRange } from '../../electron/host/proc/pagemap-reader.js';
import { summarizePagemap } from '../../shared/proc/pagemap.js';
import { startSubject } from '../helpers/subject.js';
import { timeFn } from './measure.js';

const PAGES_PER_GIB = 262144;

/** Prints the time of `memscope pages` (JSON and table) on 1 GiB beside the raw pagemap read. */
export async function benchPages(): Promise<void> {
  const t0 = performance.now();
  const subject = await startSubject(1024, 1024);
  const devNull = openSync('/dev/null', 'w');
  const faultS = (performance.now() - t0) / 1000;
  try {
    console.log(`\n## memscope pages: a resident 1 GiB range (${PAGES_PER_GIB} pages; the subject took ${faultS.toFixed(1)} s to fault it in), median of 5`);
    const raw = timeFn(() => summarizePagemap(readPagemapRange(subject.pid, subject.anonStart, PAGES_PER_GIB)), 5, 1);
    console.log(`raw pagemap, one 2 MiB pread + count flags      ${raw.wallMs.toFixed(0).padStart(5)} ms wall ${raw.cpuMs.toFixed(0).padStart(5)} ms CPU`);
    for (const format of ['json', 'table'] as const) {
      let bytes = 0;
      const sink = (text: string): void => {
        bytes += writeSync(devNull, text);
      };
      // streamPages is async only to await a slow reader; with this synchronous sink every await resolves at once.
      const walls: number[] = [];
      const cpus: number[] = [];
      let rootNote = '';
      for (let run = 0; run < 6; run++) {
        bytes = 0;
        const c = process.cpuUsage();
        const t = performance.now();
        const totals = await streamPages(subject.pid, subject.anonStart, { format }, sink);
        const wall = performance.now() - t;
        const d = process.cpuUsage(c);
        rootNote = totals.rssKb === null ? ' (no root: pagemap only)' : ` (+ kpageflags/kpagecount, Rss ${totals.rssKb} kB)`;
        if (run === 0) continue; // warm-up
        walls.push(wall);
        cpus.push((d.user + d.system) / 1000);
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
      console.log(
        `memscope pages --${format === 'json' ? 'json ' : 'table'} (streamed, ${(bytes / 1e6).toFixed(0)} MB)  ` +
          `${median(walls).toFixed(0).padStart(5)} ms wall ${median(cpus).toFixed(0).padStart(5)} ms CPU${rootNote}`,
      );
    }
  } finally {
    closeSync(devNull);
    await subject.kill();
  }
}
