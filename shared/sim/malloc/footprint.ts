// A heap footprint: the memory an allocator holds from the system for the program's heap, the one figure
// `sim malloc` predicts per op and `memscope record` measures in the real run (memscope-record.c
// `footprint_now`). glibc 2.36: brk heap + each thread arena's heaps (heap_info.size, their read-write part:
// arena->system_mem) + mmapped chunks (mp_.mmapped_mem); gperftools 2.10: the page heap's mapped bytes
// (generic.heap_size − pageheap_unmapped_bytes; its large blocks live there too).

import { type HeapSample } from './replay-model.js';
import { type MallocReplayModel, type ReplayProgress } from './replay-model.js';

/** The footprint of one heap sample, in bytes (heapBytes already holds the arena heaps for glibc). */
export function computeFootprintBytes(s: HeapSample): number {
  return s.heapBytes - s.releasedBytes + s.mmappedBytes;
}

/**
 * The footprint over a replay, sampled after every op. Invariants: peakBytes ≥ finalBytes; peakOp = −1 exactly
 * when no op ran; the footprint after op peakOp is peakBytes and no earlier op reached it.
 */
export interface FootprintTrack {
  /** Largest footprint after any op. */
  peakBytes: number;
  /** First op after which it was reached (−1: no op). */
  peakOp: number;
  /** Footprint after the last op (at exit). */
  finalBytes: number;
}

/** An empty track (no op yet). */
export function createFootprintTrack(): FootprintTrack {
  return { peakBytes: 0, peakOp: -1, finalBytes: 0 };
}

/** Notes the footprint after op i. */
export function noteFootprint(t: FootprintTrack, i: number, bytes: number): void {
  t.finalBytes = bytes;
  if (bytes > t.peakBytes || t.peakOp < 0) {
    t.peakBytes = bytes;
    t.peakOp = i;
  }
}

/**
 * Replays r to the end of its trace op by op, noting the footprint after each op.
 * @throws HeapMisuseError as MallocReplayModel.run.
 */
export function trackReplayFootprint<R extends ReplayProgress>(model: MallocReplayModel<R>, r: R, track: FootprintTrack = createFootprintTrack()): FootprintTrack {
  for (let i = r.next; i < r.trace.length; i++) {
    model.run(r, i + 1);
    noteFootprint(track, i, computeFootprintBytes(model.measure(r)));
  }
  return track;
}
