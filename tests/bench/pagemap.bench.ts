// pagemap of a fully resident 1 GiB range: 262,144 entries read with one 2 MiB pread, then counted.
import { readPagemapRange } from '../../electron/host/proc/pagemap-reader.js';
import { summarizePagemap } from '../../shared/proc/pagemap.js';
import { startSubject } from '../helpers/subject.js';
import { timeFn } from './measure.js';

const PAGES_PER_GIB = 262144;

/** Prints the pagemap timing. */
export async function benchPagemap(): Promise<void> {
  const t0 = performance.now();
  const subject = await startSubject(1024, 1024); // faults in 1 GiB: a few seconds here
  const faultS = (performance.now() - t0) / 1000;
  try {
    let present = 0;
    const read = timeFn(() => {
      present = summarizePagemap(readPagemapRange(subject.pid, subject.anonStart, PAGES_PER_GIB)).present;
    }, 10);
    console.log(`\n## pagemap of a resident 1 GiB range (${PAGES_PER_GIB} pages; the subject took ${faultS.toFixed(1)} s to fault it in)`);
    console.log(`read 2 MiB of pagemap + count flags: ${read.wallMs.toFixed(2)} ms wall (median of 10), ${present} pages present`);
  } finally {
    await subject.kill();
  }
}
