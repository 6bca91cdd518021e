// The `memscope heap` report: field names are fixed by issue 11 (tests outside the project read them).

/** Chunks and their bytes (chunk sizes, headers included). */
export interface ChunkTotals {
  chunks: number;
  bytes: number;
}

/** Free chunks by the list they are on. */
export interface FreeTotals {
  tcache: ChunkTotals;
  fastbins: ChunkTotals;
  unsorted: ChunkTotals;
  smallbins: ChunkTotals;
  largebins: ChunkTotals;
}

/** One arena: the main one (brk heap) or a thread arena (its 64 MiB-aligned heaps). */
export interface ArenaReport {
  index: number;
  main: boolean;
  /** Address of its malloc_state, hex. */
  address: string;
  system_bytes: number;
  top_bytes: number;
  in_use: ChunkTotals;
  free: FreeTotals;
  /** Chunk space of each heap, hex [start, end). */
  heaps: { start: string; end: string }[];
  /** With --chunks: every chunk in address order, top last. */
  chunks?: ChunkRow[];
}

/** One chunk for --chunks: its address (hex), chunksize() and state (in_use, the free list it is on, or top). */
export interface ChunkRow {
  address: string;
  size: number;
  state: string;
}

/** glibc's struct mallinfo2, field for field. */
export interface Mallinfo2 {
  arena: number;
  ordblks: number;
  smblks: number;
  hblks: number;
  hblkhd: number;
  usmblks: number;
  fsmblks: number;
  uordblks: number;
  fordblks: number;
  keepcost: number;
}

/** The `trim` part of the report. */
export interface TrimPrediction {
  /** Resident bytes malloc_trim(0) would return now (madvised free pages of every arena, brk shrink of the main one). */
  releasable_bytes: number;
  /** Of which the main arena's top (systrim). */
  top_bytes: number;
  /** What malloc_trim(0) would return: 1 when it releases anything (resident or not). */
  result: 0 | 1;
  /** The same per arena, in arena order (a thread arena's top is never trimmed by malloc_trim: only its free chunks). */
  arenas: { index: number; releasable_bytes: number }[];
  /** Arenas not modelled (releasable_bytes a lower bound when any): empty since every arena, of one heap or several, loads. */
  skipped_arenas: number[];
}

/** Resident bytes of one part: Rss, and the exclusively mapped (private; heap pages are dirty) share of it. */
export interface ExplainPart {
  rss_bytes: number;
  private_dirty_bytes: number;
}

/** The `explain` part of the report. Σ of live, metadata, free.* and top = rss_bytes (and so for Private_Dirty). */
export interface HeapExplain {
  /** The heap mappings explained: smaps' Rss and Private_Dirty of each. */
  mappings: { name: string; start: string; end: string; size_bytes: number; rss_bytes: number; private_dirty_bytes: number }[];
  /** Σ of the mappings' smaps Rss and Private_Dirty. */
  rss_bytes: number;
  private_dirty_bytes: number;
  /** Bodies of chunks in use (handed to the program). */
  live: ExplainPart;
  /** Chunk headers of chunks in use, tcache_perthread_structs, heap_info and malloc_state, alignment, fenceposts and an older heap's tail. */
  metadata: ExplainPart;
  /** Free chunks, whole, by the list they are on. */
  free: Record<keyof FreeTotals, ExplainPart>;
  /** The top chunk (and a thread heap's read-write tail after it). */
  top: ExplainPart;
  /** Bytes of the heap mappings not resident (never touched, or given back with madvise). */
  never_touched_bytes: number;
  /** Rss of the whole process (Σ smaps Rss), for the verdict. */
  process_rss_bytes: number;
  /** The one-line answer: how much of the RSS is free memory glibc keeps, and what malloc_trim(0) would return. */
  verdict: string;
}

/** Everything `memscope heap PID --json` prints. */
export interface HeapReport {
  pid: number;
  libc: string;
  arenas: ArenaReport[];
  mmapped: ChunkTotals;
  mallinfo2: Mallinfo2;
  /** What malloc_trim(0) would give back now (the glibc model's mtrim on the live heap, resident pages only). */
  trim: TrimPrediction;
  /** The heap mappings' Rss and Private_Dirty split by what lies in them, and the one-line verdict. */
  explain: HeapExplain;
  /** How many reads it took to get one that held together (1 = the first). */
  reads: number;
  /** Whether the process was stopped (SIGSTOP) for the read, and for how long. */
  frozen: { stoppedMs: number } | null;
}

/** Zero chunks, zero bytes. */
export function emptyTotals(): ChunkTotals {
  return { chunks: 0, bytes: 0 };
}
