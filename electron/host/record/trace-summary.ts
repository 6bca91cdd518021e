// What a recorded trace holds, for `memscope record`'s closing message: the op and thread counts from the
// shim's closing comment (`# end ops=N threads=T …`), or counted line by line when the program ended without
// exit() (a signal, _exit) and the shim never wrote it.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';

/** The counts of one trace file. */
export interface TraceSummary {
  /** a c m r f t x lines. */
  opCount: number;
  /** Threads that made at least one recorded call. */
  threadCount: number;
  /** Calls passed through unrecorded: frees/reallocs of blocks no recorded call returned, a thread's calls after its `x`. */
  untrackedCount: number;
  /** False when the closing line is missing: the shim's last buffer (up to 1 MiB of calls) was lost. */
  complete: boolean;
  /** File size in bytes. */
  sizeBytes: number;
  /** The heap footprint the real run reached (`# footprint` line; null when the allocator is neither glibc nor TCMalloc). */
  footprint: MeasuredFootprint | null;
}

/** The shim's `# footprint peak=B peak_op=I final=B allocator=A` (memscope-record.c `note_footprint`), in bytes. */
export interface MeasuredFootprint {
  peakBytes: number;
  peakOp: number;
  finalBytes: number;
  /** Whose heap: glibc's, or TCMalloc's page heap (gperftools' MallocExtension figures). */
  allocator: 'glibc' | 'tcmalloc';
}

/** Bytes read per step when counting, and the tail searched for the closing line. */
const CHUNK_BYTES = 1 << 20;
const TAIL_BYTES = 4096;
const END_LINE = /^# end ops=(\d+) threads=(\d+) untracked=(\d+)/gm;
const FOOTPRINT_LINE = /^# footprint peak=(\d+) peak_op=(\d+) final=(\d+) allocator=(glibc|tcmalloc)$/gm;
const OP_CODES = new Set(['a', 'c', 'm', 'r', 'f', 't', 'x'].map((c) => c.charCodeAt(0)));
const NEWLINE = 10;
const AT = '@'.charCodeAt(0);

/** Counts ops and threads line by line (`@ TID` numbers threads from 0 in order of appearance). */
function countLines(fd: number, sizeBytes: number): { opCount: number; threadCount: number } {
  const buf = Buffer.alloc(CHUNK_BYTES);
  let opCount = 0;
  let maxTid = 0;
  let atLineStart = true;
  let tidText: string | null = null;
  for (let pos = 0; pos < sizeBytes; ) {
    const n = readSync(fd, buf, 0, CHUNK_BYTES, pos);
    if (n === 0) break;
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (tidText !== null && c !== NEWLINE) tidText += String.fromCharCode(c);
      if (c === NEWLINE) {
        if (tidText !== null) maxTid = Math.max(maxTid, Number(tidText.trim()) || 0);
        tidText = null;
        atLineStart = true;
        continue;
      }
      if (atLineStart && OP_CODES.has(c)) opCount++;
      else if (atLineStart && c === AT) tidText = '';
      atLineStart = false;
    }
    pos += n;
  }
  return { opCount, threadCount: opCount > 0 ? maxTid + 1 : 0 };
}

/** Reads the counts of the trace at path (the caller reports fs errors). */
export function summarizeTrace(path: string): TraceSummary {
  const fd = openSync(path, 'r');
  try {
    const sizeBytes = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(TAIL_BYTES, sizeBytes));
    readSync(fd, tail, 0, tail.length, sizeBytes - tail.length);
    // The last one counts: an exec that failed leaves an earlier closing line behind.
    const text = tail.toString('latin1');
    const end = [...text.matchAll(END_LINE)].at(-1);
    const f = [...text.matchAll(FOOTPRINT_LINE)].at(-1);
    const footprint = f === undefined ? null : { peakBytes: Number(f[1]), peakOp: Number(f[2]), finalBytes: Number(f[3]), allocator: f[4] as 'glibc' | 'tcmalloc' };
    if (end !== undefined) {
      return { opCount: Number(end[1]), threadCount: Number(end[2]), untrackedCount: Number(end[3]), complete: true, sizeBytes, footprint };
    }
    return { ...countLines(fd, sizeBytes), untrackedCount: 0, complete: false, sizeBytes, footprint: null };
  } finally {
    closeSync(fd);
  }
}
