// What a recorded trace holds, for `memscope record`'s closing message: the op and thread counts from the
// shim's closing comment (`# end ops=N threads=T …`), or counted line by line when the program ended without
// exit() (a signal, _exit) and the shim never wrote it. A device or FIFO cannot be read back: its closing lines
// come from the shim's status file instead (summarizeClosingLines).
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { MEASURED_FOOTPRINT_TAIL_CHARS, parseMeasuredFootprint, type MeasuredFootprint } from '../../../shared/sim/malloc/measured-footprint.js';

/** The counts of one trace file. */
export interface TraceSummary {
  /** a c m r f t x lines. */
  opCount: number;
  /** Threads that made at least one recorded call. */
  threadCount: number;
  /** Calls passed through unrecorded: frees/reallocs of blocks no recorded call returned, a thread's calls after its `x`, a vfork child's once the buffer it cannot write was full. */
  untrackedCount: number;
  /** False when the closing line is missing: the shim's last buffer (up to 1 MiB of calls) was lost. */
  complete: boolean;
  /** The heap footprint the real run reached (`# footprint` line; null when the allocator is neither glibc nor TCMalloc). */
  footprint: MeasuredFootprint | null;
}

/** Bytes read per step when counting, and the tail searched for the closing line. */
const CHUNK_BYTES = 1 << 20;
const TAIL_BYTES = MEASURED_FOOTPRINT_TAIL_CHARS;
const END_LINE = /^# end ops=(\d+) threads=(\d+) untracked=(\d+)/gm;
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

/** The counts in a trace's closing lines (`# footprint …`, `# end ops=N …`), or null when text has no end line. */
export function summarizeClosingLines(text: string): TraceSummary | null {
  // The last one counts: an exec that failed leaves an earlier closing line behind.
  const end = [...text.matchAll(END_LINE)].at(-1);
  if (end === undefined) return null;
  return { opCount: Number(end[1]), threadCount: Number(end[2]), untrackedCount: Number(end[3]), complete: true, footprint: parseMeasuredFootprint(text) };
}

/** Reads the counts of the trace at path (the caller reports fs errors). */
export function summarizeTrace(path: string): TraceSummary {
  const fd = openSync(path, 'r');
  try {
    const sizeBytes = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(TAIL_BYTES, sizeBytes));
    readSync(fd, tail, 0, tail.length, sizeBytes - tail.length);
    return summarizeClosingLines(tail.toString('latin1')) ?? { ...countLines(fd, sizeBytes), untrackedCount: 0, complete: false, footprint: null };
  } finally {
    closeSync(fd);
  }
}
