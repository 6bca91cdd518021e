// Decodes glibc 2.36's struct malloc_state (an arena) and struct malloc_par (mp_) from bytes read out of a process.
// Source of truth: glibc 2.36 malloc/malloc.c; offsets in layout.ts.
import { NBINS, NFASTBINS } from '../sim/malloc/glibc/chunk.js';
import { MALLOC_PAR, MALLOC_STATE, readWord } from './layout.js';

/** One arena as read: raw pointers (numbers, see layout.ts USER_ADDRESS_LIMIT) and counters. */
export interface ArenaState {
  /** Address of the malloc_state in the process. */
  address: number;
  flags: number;
  /** av->have_fastchunks. */
  haveFastchunks: boolean;
  /** av->binmap: 4 words of 32 bits. */
  binmap: number[];
  /** Raw (unprotected) heads of the 10 fastbins, 0 when empty. */
  fastbins: number[];
  top: number;
  lastRemainder: number;
  /** Per bin index 1..127 (index 0 unused): the bin's fd and bk. */
  binFd: number[];
  binBk: number[];
  next: number;
  nextFree: number;
  attachedThreads: number;
  systemMemBytes: number;
  maxSystemMemBytes: number;
}

/** The fields of mp_ memscope reports or relies on. */
export interface MallocPar {
  address: number;
  trimThresholdBytes: number;
  topPadBytes: number;
  mmapThresholdBytes: number;
  nMmaps: number;
  nMmapsMax: number;
  maxNMmaps: number;
  /** mp_.no_dyn_threshold: a threshold was set (tunable or mallopt), so free() no longer raises them. */
  noDynThreshold: boolean;
  mmappedMemBytes: number;
  sbrkBase: number;
  tcacheBins: number;
  tcacheMaxBytes: number;
  tcacheCount: number;
  tcacheUnsortedLimit: number;
}

/** Decodes a malloc_state whose first byte is at view offset `offset` and at `address` in the process. */
export function decodeArena(view: DataView, offset: number, address: number): ArenaState {
  const w = (field: number) => readWord(view, offset + field);
  const fastbins: number[] = [];
  for (let i = 0; i < NFASTBINS; i++) fastbins.push(w(MALLOC_STATE.fastbinsY + 8 * i));
  const binFd = [0];
  const binBk = [0];
  for (let i = 1; i < NBINS; i++) {
    binFd.push(w(MALLOC_STATE.bins + 16 * (i - 1)));
    binBk.push(w(MALLOC_STATE.bins + 16 * (i - 1) + 8));
  }
  return {
    address,
    flags: view.getInt32(offset + MALLOC_STATE.flags, true),
    haveFastchunks: view.getInt32(offset + MALLOC_STATE.have_fastchunks, true) !== 0,
    binmap: [0, 1, 2, 3].map((k) => view.getUint32(offset + MALLOC_STATE.binmap + 4 * k, true)),
    fastbins,
    top: w(MALLOC_STATE.top),
    lastRemainder: w(MALLOC_STATE.last_remainder),
    binFd,
    binBk,
    next: w(MALLOC_STATE.next),
    nextFree: w(MALLOC_STATE.next_free),
    attachedThreads: w(MALLOC_STATE.attached_threads),
    systemMemBytes: w(MALLOC_STATE.system_mem),
    maxSystemMemBytes: w(MALLOC_STATE.max_system_mem),
  };
}

/** Decodes mp_ at view offset `offset` (address `address` in the process). */
export function decodeMallocPar(view: DataView, offset: number, address: number): MallocPar {
  const w = (field: number) => readWord(view, offset + field);
  const i = (field: number) => view.getInt32(offset + field, true);
  return {
    address,
    trimThresholdBytes: w(MALLOC_PAR.trim_threshold),
    topPadBytes: w(MALLOC_PAR.top_pad),
    mmapThresholdBytes: w(MALLOC_PAR.mmap_threshold),
    nMmaps: i(MALLOC_PAR.n_mmaps),
    nMmapsMax: i(MALLOC_PAR.n_mmaps_max),
    maxNMmaps: i(MALLOC_PAR.max_n_mmaps),
    noDynThreshold: i(MALLOC_PAR.no_dyn_threshold) !== 0,
    mmappedMemBytes: w(MALLOC_PAR.mmapped_mem),
    sbrkBase: w(MALLOC_PAR.sbrk_base),
    tcacheBins: w(MALLOC_PAR.tcache_bins),
    tcacheMaxBytes: w(MALLOC_PAR.tcache_max_bytes),
    tcacheCount: w(MALLOC_PAR.tcache_count),
    tcacheUnsortedLimit: w(MALLOC_PAR.tcache_unsorted_limit),
  };
}
