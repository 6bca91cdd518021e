// Reads a page range of a process chunk by chunk: /proc/PID/pagemap with one pread per chunk and, as root,
// /proc/kpageflags + /proc/kpagecount for the chunk's present PFNs, sorted, deduplicated and read in runs of
// nearby PFNs with one pread each. Source of truth: Documentation/admin-guide/mm/pagemap.rst (Linux 6.x).
import { closeSync } from 'node:fs';
import { ApiError } from '../../../shared/errors.js';
import { KPAGEFLAGS_ENTRY_BYTES, KPF_NOPAGE } from '../../../shared/proc/kpageflags.js';
import { parseMaps } from '../../../shared/proc/maps.js';
import { type PagesChunk } from '../../../shared/proc/page-row.js';
import { parseAddressRange, resolvePageRange, type PageRange } from '../../../shared/proc/page-range.js';
import { PAGEMAP_ENTRY_BYTES, readPagemapPfn } from '../../../shared/proc/pagemap.js';
import { hexToBigInt, PAGE_SIZE } from '../../../shared/units.js';
import { isKernelThread, kernelThreadError } from './kernel-thread.js';
import { openProcFile, preadFull, PROC_ROOT, ProcReader, readProcText, toApiError } from './proc-reader.js';

/** Pages per chunk by default: 128 KiB of pagemap per pread, and bounded memory for any range. */
export const DEFAULT_CHUNK_PAGES = 16384;
/**
 * PFNs at most this far apart are read with one pread: measured here, an entry costs ~95 ns in the kernel and a
 * pread ~1.5 µs from Node, so reading up to 16 unwanted entries is cheaper than one more call.
 */
const MAX_PFN_GAP = 16;
/** Longest PFN run read at once: 128 KiB per kpage file. */
const MAX_RUN_PFNS = 16384;
/** CAP_SYS_ADMIN (include/uapi/linux/capability.h): pagemap shows PFNs only to openers holding it. */
const CAP_SYS_ADMIN = 21n;

/** Options of {@link PagesReader}. */
export interface PagesReaderOptions {
  /** Largest chunk readChunk is asked for (DEFAULT_CHUNK_PAGES). */
  chunkPages?: number;
  /** "/proc" except in tests. */
  procRoot?: string;
}

/**
 * Reads /proc/PID/maps and resolves "START[-END]" against it. Throws ApiError: bad-arg for bad hex, an
 * unmapped START or a range crossing unmapped space; gone or denied when maps cannot be read.
 */
export function readProcessPageRange(pid: number, rangeText: string, reader: ProcReader = new ProcReader()): PageRange {
  const range = parseAddressRange(rangeText);
  const mappings = parseMaps(reader.readProcFile(pid, 'maps'));
  if (mappings.length === 0) {
    if (isKernelThread(reader, pid)) throw kernelThreadError(pid);
    throw new ApiError('gone', `/proc/${pid}/maps: no mappings (the process is exiting)`);
  }
  return resolvePageRange(mappings, range, pid);
}

/** True when this process's effective capabilities hold CAP_SYS_ADMIN (so pagemap PFNs are not zeroed). */
function hasCapSysAdmin(procRoot: string): boolean {
  const line = readProcText('self/status', procRoot)
    .split('\n')
    .find((l) => l.startsWith('CapEff:'));
  if (line === undefined) return false;
  return ((hexToBigInt(line.slice('CapEff:'.length).trim()) >> CAP_SYS_ADMIN) & 1n) === 1n;
}

/** Index of pfn in sorted[0, n), which holds it. */
function findPfn(sorted: Float64Array, n: number, pfn: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < pfn) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A process's pagemap and the kernel's per-PFN files, kept open while a range is streamed. Buffers are reused:
 * a chunk returned by readChunk is valid only until the next call. Without root, chunks carry no kpageflags or
 * kpagecount and `restricted` says why.
 */
export class PagesReader {
  /** Whether chunks carry kpageflags/kpagecount and pagemap shows PFNs. */
  readonly pfnsVisible: boolean;
  /** What could not be read and why (empty as root). */
  readonly restricted: readonly string[];
  /** Largest chunk, in pages. */
  readonly chunkPages: number;
  private readonly procRoot: string;
  private pagemapFd = -1;
  private flagsFd = -1;
  private countFd = -1;
  private readonly pagemapBytes: Uint8Array;
  private readonly pagemapView: DataView;
  private readonly pagePfns: Float64Array;
  private readonly sortedPfns: Float64Array;
  private readonly uniqueFlags: Uint32Array;
  private readonly uniqueCounts: Uint32Array;
  private readonly flags: Uint32Array;
  private readonly counts: Uint32Array;
  private readonly runBytes = new Uint8Array(MAX_RUN_PFNS * KPAGEFLAGS_ENTRY_BYTES);
  private readonly runView = new DataView(this.runBytes.buffer);

  /** Opens /proc/PID/pagemap (throws ApiError gone/denied) and, when permitted, /proc/kpageflags and /proc/kpagecount. */
  constructor(
    readonly pid: number,
    options: PagesReaderOptions = {},
  ) {
    this.procRoot = options.procRoot ?? PROC_ROOT;
    this.chunkPages = options.chunkPages ?? DEFAULT_CHUNK_PAGES;
    try {
      this.pagemapFd = openProcFile(`${pid}/pagemap`, this.procRoot);
    } catch (err) {
      throw toApiError(err, `/proc/${pid}/pagemap`);
    }
    const restricted: string[] = [];
    try {
      this.flagsFd = openProcFile('kpageflags', this.procRoot);
      this.countFd = openProcFile('kpagecount', this.procRoot);
      if (!hasCapSysAdmin(this.procRoot)) restricted.push('pagemap hides PFNs without CAP_SYS_ADMIN');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const file = this.flagsFd < 0 ? '/proc/kpageflags' : '/proc/kpagecount';
      restricted.push(`${file}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(err))}`);
    }
    if (restricted.length > 0) {
      this.closeKpageFiles();
      restricted.unshift('pfn, mapCount, flags, Rss and Pss need root (CAP_SYS_ADMIN)');
    }
    this.pfnsVisible = restricted.length === 0;
    this.restricted = restricted;
    this.pagemapBytes = new Uint8Array(this.chunkPages * PAGEMAP_ENTRY_BYTES);
    this.pagemapView = new DataView(this.pagemapBytes.buffer);
    const n = this.pfnsVisible ? this.chunkPages : 0;
    this.pagePfns = new Float64Array(n);
    this.sortedPfns = new Float64Array(n);
    this.uniqueFlags = new Uint32Array(n);
    this.uniqueCounts = new Uint32Array(n);
    this.flags = new Uint32Array(n);
    this.counts = new Uint32Array(n);
  }

  /**
   * Reads pageCount (<= chunkPages) pages from firstAddress. Throws ApiError('gone') when the process exited.
   * Pages past the kernel's TASK_SIZE ([vsyscall]) have no pagemap entry and read as not present.
   */
  readChunk(firstAddress: bigint, firstIndex: number, pageCount: number): PagesChunk {
    if (pageCount > this.chunkPages) throw new RangeError(`chunk of ${pageCount} pages exceeds ${this.chunkPages}`);
    const want = pageCount * PAGEMAP_ENTRY_BYTES;
    const position = (firstAddress / BigInt(PAGE_SIZE)) * BigInt(PAGEMAP_ENTRY_BYTES);
    let got: number;
    try {
      got = preadFull(this.pagemapFd, this.pagemapBytes, want, position);
    } catch (err) {
      throw toApiError(err, `/proc/${this.pid}/pagemap`);
    }
    if (got < want) {
      // pagemap_read() returns 0 once the mm is gone, and also for addresses past TASK_SIZE: tell them apart.
      this.checkAlive();
      this.pagemapBytes.fill(0, got, want);
    }
    const chunk: PagesChunk = {
      firstIndex,
      firstAddress,
      pageCount,
      pagemap: this.pagemapView,
      kpageflags: null,
      kpagecount: null,
    };
    if (this.pfnsVisible) {
      this.readKpages(pageCount);
      chunk.kpageflags = this.flags;
      chunk.kpagecount = this.counts;
    }
    return chunk;
  }

  /** Closes every file; safe to call twice. */
  close(): void {
    if (this.pagemapFd >= 0) closeSync(this.pagemapFd);
    this.pagemapFd = -1;
    this.closeKpageFiles();
  }

  private closeKpageFiles(): void {
    if (this.flagsFd >= 0) closeSync(this.flagsFd);
    if (this.countFd >= 0) closeSync(this.countFd);
    this.flagsFd = -1;
    this.countFd = -1;
  }

  private checkAlive(): void {
    let maps: string;
    try {
      maps = readProcText(`${this.pid}/maps`, this.procRoot);
    } catch (err) {
      throw toApiError(err, `/proc/${this.pid}/pagemap`);
    }
    if (maps === '') throw new ApiError('gone', `/proc/${this.pid}/pagemap: no such process (it exited)`);
  }

  /** Fills flags/counts for pages 0..pageCount-1 of the current chunk. */
  private readKpages(pageCount: number): void {
    const view = this.pagemapView;
    let n = 0;
    for (let i = 0; i < pageCount; i++) {
      const pfn = readPagemapPfn(view, i);
      this.pagePfns[i] = pfn;
      if (pfn !== 0) this.sortedPfns[n++] = pfn;
    }
    const sorted = this.sortedPfns;
    sorted.subarray(0, n).sort();
    let unique = 0;
    for (let k = 0; k < n; k++) {
      if (unique === 0 || sorted[k] !== sorted[unique - 1]) sorted[unique++] = sorted[k]!;
    }
    for (let k = 0; k < unique; ) {
      const runStart = sorted[k]!;
      let last = k;
      while (last + 1 < unique && sorted[last + 1]! - sorted[last]! <= MAX_PFN_GAP && sorted[last + 1]! - runStart < MAX_RUN_PFNS) last++;
      const runPfns = sorted[last]! - runStart + 1;
      this.readRun(this.flagsFd, '/proc/kpageflags', runStart, runPfns, k, last, this.uniqueFlags, 1 << KPF_NOPAGE);
      this.readRun(this.countFd, '/proc/kpagecount', runStart, runPfns, k, last, this.uniqueCounts, 0);
      k = last + 1;
    }
    for (let i = 0; i < pageCount; i++) {
      const pfn = this.pagePfns[i]!;
      if (pfn === 0) {
        this.flags[i] = 0;
        this.counts[i] = 0;
        continue;
      }
      const u = findPfn(sorted, unique, pfn);
      this.flags[i] = this.uniqueFlags[u]!;
      this.counts[i] = this.uniqueCounts[u]!;
    }
  }

  /**
   * preads the entries of runPfns PFNs from runStart and stores the low word of each entry of
   * sortedPfns[first..last] in out. A PFN past the file's end (beyond max_pfn) gets `missing`.
   */
  private readRun(fd: number, file: string, runStart: number, runPfns: number, first: number, last: number, out: Uint32Array, missing: number): void {
    let got: number;
    try {
      got = preadFull(fd, this.runBytes, runPfns * KPAGEFLAGS_ENTRY_BYTES, runStart * KPAGEFLAGS_ENTRY_BYTES);
    } catch (err) {
      throw toApiError(err, file);
    }
    const entries = Math.floor(got / KPAGEFLAGS_ENTRY_BYTES);
    for (let k = first; k <= last; k++) {
      const offset = this.sortedPfns[k]! - runStart;
      out[k] = offset < entries ? this.runView.getUint32(offset * KPAGEFLAGS_ENTRY_BYTES, true) : missing;
    }
  }
}

/**
 * Streams a resolved range in chunks of reader.chunkPages pages, each valid until the next one is taken.
 * The caller owns the reader and closes it. Throws ApiError('gone') when the process exits meanwhile.
 */
export function* readPageChunks(reader: PagesReader, range: Pick<PageRange, 'startAddress' | 'pageCount'>): Generator<PagesChunk, void, void> {
  for (let first = 0; first < range.pageCount; first += reader.chunkPages) {
    const count = Math.min(reader.chunkPages, range.pageCount - first);
    yield reader.readChunk(range.startAddress + BigInt(first) * BigInt(PAGE_SIZE), first, count);
  }
}
