// Reads a live process's glibc 2.36 heap through /proc/PID/mem: finds its libc in /proc/PID/maps, checks the
// version banner, finds main_arena and mp_ in libc's writable data, and reads until a read holds together
// (or stops the process with SIGSTOP for the read and always resumes it). Decoding is shared/heap/.
import { performance } from 'node:perf_hooks';
import { ApiError } from '../../../shared/errors.js';
import { findMainArena, findMallocPar, type AddressRange, type MemorySegment } from '../../../shared/heap/find.js';
import { analyzeHeap, snapshotHeap, verifySnapshot, type ArenaDetail, type HeapInspection, type HeapLocation, type HeapSnapshot } from '../../../shared/heap/inspect.js';
import { explainHeap } from '../../../shared/heap/explain.js';
import { HEAP_MAX_SIZE } from '../../../shared/heap/layout.js';
import { PageResidency, type HeapMapping } from '../../../shared/heap/residency.js';
import { paramsFromMallocPar } from '../../../shared/heap/to-model.js';
import { predictTrim } from '../../../shared/heap/trim-prediction.js';
import { findGlibcVersion, SUPPORTED_GLIBC } from '../../../shared/heap/libc-version.js';
import { TornReadError, type ReadMemory } from '../../../shared/heap/memory.js';
import type { HeapReport } from '../../../shared/heap/report.js';
import type { MallocPar } from '../../../shared/heap/structs.js';
import { parseGlibcTunables } from '../../../shared/sim/malloc/glibc/params.js';
import { parseMaps } from '../../../shared/proc/maps.js';
import { parseSmaps } from '../../../shared/proc/smaps.js';
import { PAGE_SIZE } from '../../../shared/units.js';
import { parseStat } from '../../../shared/proc/stat.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { readPagemapRange } from './pagemap-reader.js';
import { openProcFile, preadFull, ProcReader, toApiError } from './proc-reader.js';
import { sleepSync } from '../system/sleep-sync.js';

/** Reads in a row before a heap that keeps changing is reported as torn. */
export const MAX_HEAP_READS = 5;
/**
 * With --freeze: a stop can land inside malloc (the arena locked, lists half linked), so each attempt stops the
 * process anew; a program that spends most of its time in malloc needs a few (measured: up to 5 of 8 in a tight loop).
 */
export const MAX_FROZEN_READS = 50;
/** How long to wait for a SIGSTOP to take effect before giving up. */
const STOP_WAIT_MS = 1000;

/** Options of {@link readHeap}. */
export interface ReadHeapOptions {
  /** Stop the process (SIGSTOP) for the read and resume it (SIGCONT) after, whatever happens. */
  freeze?: boolean;
}

const LIBC_PATH = /\/libc(\.so\.6|-[\d.]+\.so)$/;

function rangeOf(m: Mapping): AddressRange {
  return { start: Number.parseInt(m.start, 16), end: Number.parseInt(m.end, 16) };
}

/** Most memory a --freeze read copies into pre-touched memory; a bigger heap's copy goes to fresh buffers. */
const MAX_POOL_BYTES = 1024 * 1024 * 1024;
/** Room in the pool beyond the heap mappings: mp_, the arenas, heap_info headers. */
const POOL_SLACK_BYTES = 1024 * 1024;

/**
 * Memory the reads copy into, touched before the process is stopped: a pread into fresh memory takes a page fault
 * per page inside the stop (measured on 16 MB: 77 ms fresh, 13-17 ms into touched pages). Bump-allocated; reset
 * per attempt (the previous attempt's copies are dropped).
 */
class ReadPool {
  private readonly bytes: Uint8Array;
  private usedBytes = 0;

  constructor(sizeBytes: number) {
    this.bytes = new Uint8Array(sizeBytes).fill(1); // writes every page: faulted in now, not during the stop
  }

  /** lengthBytes of the pool (8-aligned), or null when it is full. */
  take(lengthBytes: number): Uint8Array | null {
    const at = this.usedBytes;
    if (at + lengthBytes > this.bytes.byteLength) return null;
    this.usedBytes = at + lengthBytes + ((8 - (lengthBytes % 8)) % 8);
    return this.bytes.subarray(at, at + lengthBytes);
  }

  reset(): void {
    this.usedBytes = 0;
  }
}

/** A pool the size of the heap mappings in `mappings` ([heap], and rw mappings at 64 MiB boundaries: arena heaps). */
function createReadPool(mappings: readonly Mapping[]): ReadPool {
  const heapBytes = mappings
    .filter((m) => m.path === '[heap]' || (m.path === '' && m.perms.startsWith('rw') && rangeOf(m).start % HEAP_MAX_SIZE === 0))
    .reduce((sum, m) => sum + rangeOf(m).end - rangeOf(m).start, 0);
  return new ReadPool(Math.min(heapBytes + POOL_SLACK_BYTES, MAX_POOL_BYTES));
}

/** A ReadMemory over an open /proc/PID/mem: short reads are unmapped memory (a torn read) or the process gone. */
function memoryReader(fd: number, pid: number, reader: ProcReader, pool: ReadPool | null = null): ReadMemory {
  return (address, lengthBytes) => {
    const bytes = pool?.take(lengthBytes) ?? new Uint8Array(lengthBytes);
    let n: number;
    try {
      n = preadFull(fd, bytes, lengthBytes, address);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EIO') throw toApiError(err, `/proc/${pid}/mem`);
      n = -1;
    }
    if (n !== lengthBytes) {
      reader.readProcFile(pid, 'stat'); // throws 'gone' when it exited
      throw new TornReadError(`${lengthBytes} bytes at ${address.toString(16)} are not mapped`);
    }
    return bytes;
  };
}

function readState(reader: ProcReader, pid: number): string {
  return parseStat(reader.readProcFile(pid, 'stat')).state;
}

/** Polls without sleeping this long after SIGSTOP (a stop usually lands within microseconds, sometimes a few ms). */
const STOP_SPIN_MS = 20;

/**
 * Runs `work` with the process stopped and resumes it on every way out (signals are held by the caller, see holdSignals).
 * stoppedMs is an upper bound of how long it was stopped: from the last poll that still saw it running to SIGCONT.
 */
function withProcessStopped<T>(reader: ProcReader, pid: number, work: () => T): { result: T; stoppedMs: number } {
  if (readState(reader, pid) === 'T') return { result: work(), stoppedMs: 0 }; // stopped by someone else: leave it so
  const t0 = performance.now();
  let running = t0;
  let result: T;
  let stoppedMs = 0;
  try {
    process.kill(pid, 'SIGSTOP');
    // The stop is delivered asynchronously: wait until the kernel reports the process stopped.
    for (;;) {
      const polled = performance.now();
      if (readState(reader, pid) === 'T') break;
      running = polled;
      if (polled - t0 > STOP_WAIT_MS) throw new ApiError('internal', `pid ${pid} did not stop within ${STOP_WAIT_MS} ms`);
      if (polled - t0 > STOP_SPIN_MS) sleepSync(1);
    }
    result = work();
  } finally {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // it exited meanwhile: nothing to resume
    }
    stoppedMs = performance.now() - running;
  }
  return { result, stoppedMs };
}

const HELD_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Keeps Ctrl-C (and SIGTERM, SIGHUP) from killing memscope while it holds a process stopped: with a listener
 * installed Node only queues the signal, and the synchronous read cannot see it. release() lets the event loop
 * deliver what arrived, removes the listeners and re-raises the signal, so memscope still dies of it, after SIGCONT.
 */
function holdSignals(): { release: () => Promise<void> } {
  let received: NodeJS.Signals | null = null;
  const hold = (signal: NodeJS.Signals) => {
    received ??= signal;
  };
  for (const s of HELD_SIGNALS) process.on(s, hold);
  return {
    async release() {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await new Promise((resolve) => setImmediate(resolve));
      for (const s of HELD_SIGNALS) process.off(s, hold);
      if (received !== null) process.kill(process.pid, received);
    },
  };
}

/** A heap as read: the report, and every chunk and list of each arena behind it. */
export interface LiveHeap {
  report: HeapReport;
  details: ArenaDetail[];
  mp: MallocPar;
  /** The heap mappings ([heap] and the thread arenas' heaps) with their smaps Rss and Private_Dirty. */
  mappings: HeapMapping[];
  /** Their pages' residency (pagemap), read right after the heap. */
  residency: PageResidency;
  /** global_max_fast as the process's GLIBC_TUNABLES set it (mallopt(M_MXFAST) is not visible from outside). */
  maxFastBytes: number;
}

/**
 * The heap report of `pid`. Throws ApiError: gone, denied (ptrace access to /proc/PID/mem refused),
 * malformed (no glibc, another glibc version, no arena found, or a heap that changed under every read).
 */
export async function readHeap(pid: number, options: ReadHeapOptions = {}): Promise<HeapReport> {
  return (await readLiveHeap(pid, options)).report;
}

/** Like {@link readHeap}, with every chunk and list behind the report. */
export async function readLiveHeap(pid: number, options: ReadHeapOptions = {}): Promise<LiveHeap> {
  if (options.freeze !== true) return readHeapSync(pid, options);
  const held = holdSignals();
  try {
    return readHeapSync(pid, options);
  } finally {
    await held.release();
  }
}

/** glibc.malloc.mxfast from the process's environment (what ptmalloc_init read), else the default. */
function readMaxFastBytes(reader: ProcReader, pid: number): number {
  const environ = new TextDecoder('latin1').decode(reader.readProcFile(pid, 'environ'));
  const tunables = environ.split('\0').find((v) => v.startsWith('GLIBC_TUNABLES='));
  return parseGlibcTunables(tunables?.slice('GLIBC_TUNABLES='.length) ?? '').params.maxFastBytes;
}

/** smaps and pagemap of the heap mappings, as read (decoded after a freeze ends). */
interface RawResidency {
  /** Σ smaps Rss of every mapping of the process. */
  processRssBytes: number;
  pagemaps: Map<number, Uint8Array>;
  mappings: HeapMapping[];
}

/**
 * The heap mappings of the snapshot's arenas from smaps ([heap]; for a thread arena the rw mapping at its 64 MiB-aligned
 * heap), and their pagemap entries.
 */
function readResidency(reader: ProcReader, pid: number, snapshot: HeapSnapshot): RawResidency {
  const smaps = reader.readProcFileCopy(pid, 'smaps');
  const all = parseSmaps(smaps);
  const processRssBytes = all.reduce((sum, m) => sum + Number(m.smaps?.['Rss'] ?? 0) * 1024, 0);
  const starts = new Set(snapshot.arenas.slice(1).flatMap((a) => a.heaps.map((h) => h.start - (h.start % HEAP_MAX_SIZE))));
  const mappings: HeapMapping[] = all
    .filter((m) => m.path === '[heap]' || (m.perms.startsWith('rw') && starts.has(Number.parseInt(m.start, 16))))
    .map((m) => ({
      start: Number.parseInt(m.start, 16),
      end: Number.parseInt(m.end, 16),
      name: m.path === '[heap]' ? '[heap]' : `arena heap ${m.start}`,
      rssBytes: Number(m.smaps?.['Rss'] ?? 0) * 1024,
      privateDirtyBytes: Number(m.smaps?.['Private_Dirty'] ?? 0) * 1024,
      sharedBytes: (Number(m.smaps?.['Shared_Clean'] ?? 0) + Number(m.smaps?.['Shared_Dirty'] ?? 0)) * 1024,
    }));
  const pagemaps = new Map<number, Uint8Array>();
  for (const m of mappings) pagemaps.set(m.start, readPagemapRange(pid, m.start.toString(16), (m.end - m.start) / PAGE_SIZE));
  return { processRssBytes, pagemaps, mappings };
}

/** The residency of a raw read; throws TornReadError when pagemap and smaps disagree on a mapping's Rss (it changed between them). */
function decodeResidency(raw: RawResidency): PageResidency {
  const residency = new PageResidency();
  for (const m of raw.mappings) {
    residency.addRegion(m.start, m.end, raw.pagemaps.get(m.start) ?? new Uint8Array(0), m.sharedBytes > 0);
    const pagemapBytes = residency.regionBytes(m.start);
    if (pagemapBytes !== m.rssBytes) throw new TornReadError(`${m.name}: pagemap shows ${pagemapBytes} resident bytes, smaps Rss ${m.rssBytes}`);
  }
  return residency;
}

function toLiveHeap(pid: number, version: string, inspection: HeapInspection, raw: RawResidency, reads: number, frozen: HeapReport['frozen'], maxFastBytes: number): LiveHeap {
  const { details, mp, ...rest } = inspection;
  const residency = decodeResidency(raw);
  const trim = predictTrim(details, paramsFromMallocPar(mp, maxFastBytes), residency);
  const explain = explainHeap(details, raw.mappings, residency, trim, raw.processRssBytes);
  return { report: { pid, libc: version, ...rest, trim, explain, reads, frozen }, details, mp, mappings: raw.mappings, residency, maxFastBytes };
}

function readHeapSync(pid: number, options: ReadHeapOptions): LiveHeap {
  const reader = new ProcReader();
  const mappings = parseMaps(reader.readProcFile(pid, 'maps'));
  const libc = mappings.filter((m) => LIBC_PATH.test(m.path));
  if (libc.length === 0) {
    throw new ApiError('unsupported', `unsupported libc: pid ${pid} has no libc.so.6 mapped (a static binary, a kernel thread, or not glibc)`);
  }
  let fd: number;
  try {
    fd = openProcFile(`${pid}/mem`);
  } catch (err) {
    throw toApiError(err, `/proc/${pid}/mem`);
  }
  try {
    const read = memoryReader(fd, pid, reader);
    const readOnly = libc.filter((m) => !m.perms.includes('w'));
    const version = readOnly.map((m) => findGlibcVersion(read(rangeOf(m).start, rangeOf(m).end - rangeOf(m).start))).find((v) => v !== null) ?? null;
    if (version !== SUPPORTED_GLIBC) throw new ApiError('unsupported', `unsupported libc ${version ?? `without a version banner (${libc[0]?.path ?? ''})`}: memscope heap reads glibc ${SUPPORTED_GLIBC}`);
    const heapMapping = mappings.find((m) => m.path === '[heap]');
    if (heapMapping === undefined) throw new ApiError('unsupported', `pid ${pid} has no [heap]: malloc was never called, or its main arena is not in brk memory`);
    const heap = rangeOf(heapMapping);
    // main_arena and mp_ never move: they are found once, before any freeze, and each attempt re-reads only the heap.
    const where = locateAllocator(pid, reader, heap, () => readLibcData(mappings, libc, read));
    const maxFastBytes = readMaxFastBytes(reader, pid);
    let lastTear = '';
    let pool: ReadPool | null = null;
    const maxReads = options.freeze === true ? MAX_FROZEN_READS : MAX_HEAP_READS;
    for (let reads = 1; reads <= maxReads; reads++) {
      try {
        if (options.freeze !== true) {
          const snapshot = snapshotHeap(read, where);
          const inspection = analyzeHeap(snapshot);
          const raw = readResidency(reader, pid, snapshot);
          verifySnapshot(read, snapshot);
          return toLiveHeap(pid, version, inspection, raw, reads, null, maxFastBytes);
        }
        // Stopped only while reading: the copy is decoded after the process runs again.
        pool ??= createReadPool(mappings);
        pool.reset();
        const readIntoPool = memoryReader(fd, pid, reader, pool);
        const { result, stoppedMs } = withProcessStopped(reader, pid, () => {
          const snapshot = snapshotHeap(readIntoPool, where);
          return { snapshot, raw: readResidency(reader, pid, snapshot) };
        });
        return toLiveHeap(pid, version, analyzeHeap(result.snapshot), result.raw, reads, { stoppedMs }, maxFastBytes);
      } catch (err) {
        if (!(err instanceof TornReadError)) throw err instanceof Error && !(err instanceof ApiError) ? new ApiError('malformed', `pid ${pid}: ${err.message}`) : err;
        lastTear = err.message;
      }
    }
    throw new ApiError('torn', `torn read: pid ${pid}'s heap did not hold together in ${maxReads} reads (${lastTear})${options.freeze === true ? '' : '; try --freeze'}`);
  } finally {
    reader.closeKept(fd);
  }
}

/**
 * main_arena and mp_ in libc's data, searching again while what it reads is mid-change; each retry takes [heap]'s
 * range anew from /proc/PID/maps (a busy process moves its break: top may lie past the range first read). Throws
 * ApiError 'unsupported'.
 */
function locateAllocator(pid: number, reader: ProcReader, firstHeap: AddressRange, readData: () => MemorySegment[]): HeapLocation {
  let heap = firstHeap;
  for (let reads = 1; reads <= MAX_HEAP_READS; reads++) {
    if (reads > 1) {
      const now = parseMaps(reader.readProcFile(pid, 'maps')).find((m) => m.path === '[heap]');
      if (now !== undefined) heap = rangeOf(now);
    }
    const segments = readData();
    const mainArena = findMainArena(segments, heap);
    const mallocPar = findMallocPar(segments, heap);
    if (mainArena !== null && mallocPar !== null) return { mainArena, mallocPar };
  }
  throw new ApiError('unsupported', `pid ${pid}: no glibc 2.36 main_arena and mp_ in libc's data (is malloc initialised?)`);
}

/** libc's writable mappings and the anonymous one right after them (the rest of its .bss). */
function readLibcData(mappings: readonly Mapping[], libc: readonly Mapping[], read: ReadMemory): MemorySegment[] {
  const last = libc[libc.length - 1];
  const after = mappings.find((m) => last !== undefined && m.start === last.end && m.path === '' && m.perms.startsWith('rw'));
  return [...libc.filter((m) => m.perms.startsWith('rw')), ...(after === undefined ? [] : [after])].map((m) => {
    const r = rangeOf(m);
    return { start: r.start, bytes: read(r.start, r.end - r.start) };
  });
}
