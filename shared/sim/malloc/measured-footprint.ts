// The footprint a real run reached, as the `memscope record` shim writes it before its closing line:
// `# footprint peak=B peak_op=I final=B allocator=glibc|tcmalloc` (electron/host/record/memscope-record.c
// write_end_line). The one reader of that line, for `memscope record` and the Allocator lab alike.
import type { FootprintTrack } from './footprint.js';

/** A real run's footprint (shared/sim/malloc/footprint.ts defines it), in bytes, and whose heap it is. */
export interface MeasuredFootprint extends FootprintTrack {
  /** Whose heap: glibc's, or TCMalloc's page heap (gperftools' MallocExtension figures). */
  allocator: 'glibc' | 'tcmalloc';
}

/** How far from the end the line is looked for: it sits just before `# end …`, in the shim's last write. */
export const MEASURED_FOOTPRINT_TAIL_CHARS = 4096;

const FOOTPRINT_LINE = /^# footprint peak=(\d+) peak_op=(\d+) final=(\d+) allocator=(glibc|tcmalloc)\r?$/gm;

/**
 * The last `# footprint` line in the tail of a trace's text (an exec that failed leaves an earlier one behind),
 * or null when there is none: the program ended without exit(), or its allocator is neither glibc nor TCMalloc.
 */
export function parseMeasuredFootprint(text: string): MeasuredFootprint | null {
  const tail = text.length > MEASURED_FOOTPRINT_TAIL_CHARS ? text.slice(-MEASURED_FOOTPRINT_TAIL_CHARS) : text;
  const m = [...tail.matchAll(FOOTPRINT_LINE)].at(-1);
  if (m === undefined) return null;
  return { peakBytes: Number(m[1]), peakOp: Number(m[2]), finalBytes: Number(m[3]), allocator: m[4] as MeasuredFootprint['allocator'] };
}
