// Translates one virtual address of a live process: paging mode from /proc/cpuinfo and /proc/PID/maps, the
// mapping and its THP counters from /proc/PID/smaps, the page's entry from /proc/PID/pagemap and, as root,
// its frame's /proc/kpageflags and /proc/kpagecount (through pages-reader.ts). Source of truth:
// Documentation/admin-guide/mm/pagemap.rst, Documentation/filesystems/proc.rst (Linux 6.x).
import { ApiError } from '../../../shared/errors.js';
import {
  computePhysicalAddress,
  decidePageSize,
  decidePagingLevels,
  explainNonCanonical,
  parseVirtualAddress,
  PMD_SIZE,
  splitVirtualAddress,
  type PagingEvidence,
  type TranslationReport,
} from '../../../shared/mm/translate.js';
import { hasKpageflag, KPF_THP } from '../../../shared/proc/kpageflags.js';
import { getPageRow } from '../../../shared/proc/page-row.js';
import { decodePagemapEntry, readPagemapPfn } from '../../../shared/proc/pagemap.js';
import type { Mapping } from '../../../shared/proc/types.js';
import { hexToBigInt, PAGE_SIZE } from '../../../shared/units.js';
import { readMappingsCore } from './mappings-reader.js';
import { PagesReader } from './pages-reader.js';
import { isKernelThread, kernelThreadError } from './kernel-thread.js';
import { PROC_ROOT, ProcReader, readProcText } from './proc-reader.js';

const PAGES_PER_PMD = PMD_SIZE / PAGE_SIZE;
/** Addresses from 2^63 up are the kernel's half ([vsyscall]); they say nothing about user-space width. */
const KERNEL_HALF = 1n << 63n;

/** Options of {@link translateAddress}. */
export interface TranslateOptions {
  /** "/proc" except in tests. */
  procRoot?: string;
}

/** True when the first "flags" line of /proc/cpuinfo lists la57. */
export function readCpuLa57(procRoot = PROC_ROOT): boolean {
  let text: string;
  try {
    text = readProcText('cpuinfo', procRoot);
  } catch {
    return false;
  }
  const line = /^flags\s*:(.*)$/m.exec(text);
  return line !== null && ` ${line[1] ?? ''} `.includes(' la57 ');
}

/** Paging mode of a process from cpuinfo and its highest user-space mapping. */
export function readPagingEvidence(mappings: readonly Mapping[], procRoot = PROC_ROOT): PagingEvidence {
  let highest: bigint | null = null;
  for (const m of mappings) {
    const end = hexToBigInt(m.end);
    if (end <= KERNEL_HALF && (highest === null || end > highest)) highest = end;
  }
  return decidePagingLevels(readCpuLa57(procRoot), highest);
}

function sumPmdMappedKb(m: Mapping): number | null {
  if (m.smaps === undefined) return null;
  let kb = 0;
  for (const key of ['AnonHugePages', 'FilePmdMapped', 'ShmemPmdMapped']) {
    const v = m.smaps[key];
    if (typeof v === 'number') kb += v;
  }
  return kb;
}

function describeMapping(m: Mapping): string {
  return `${m.start}-${m.end} ${m.perms}${m.path === '' ? '' : ` ${m.path}`}`;
}

/**
 * The walk for one address of a process. Throws ApiError: bad-arg for text that is not a 64-bit hex
 * address, a non-canonical address or an unmapped one; gone or denied when /proc refuses.
 */
export function translateAddress(pid: number, addressText: string, options: TranslateOptions = {}): TranslationReport {
  const procRoot = options.procRoot ?? PROC_ROOT;
  const address = parseVirtualAddress(addressText);
  const procReader = new ProcReader(procRoot);
  const report = readMappingsCore(procReader, pid);
  if (report.mappings.length === 0 && isKernelThread(procReader, pid)) throw kernelThreadError(pid);
  const paging = readPagingEvidence(report.mappings, procRoot);
  const nonCanonical = explainNonCanonical(address, paging.levels);
  if (nonCanonical !== null) throw new ApiError('bad-arg', nonCanonical);
  const mapping = report.mappings.find((m) => hexToBigInt(m.start) <= address && address < hexToBigInt(m.end));
  if (mapping === undefined) {
    const next = report.mappings.find((m) => hexToBigInt(m.start) > address);
    const hint = next === undefined ? 'no mapping above it' : `next mapping ${describeMapping(next)}`;
    throw new ApiError('bad-arg', `address ${address.toString(16)} is not mapped in process ${pid} (${hint})`);
  }
  const mappingStart = hexToBigInt(mapping.start);
  const mappingEnd = hexToBigInt(mapping.end);
  const restricted = [...report.restricted];
  if (address >= KERNEL_HALF) restricted.push('pagemap: no entries past TASK_SIZE ([vsyscall] is the kernel\'s page), so the page reads as not present');
  const pmdMappedKb = sumPmdMappedKb(mapping);
  const kps = mapping.smaps?.['KernelPageSize'];

  // Read the page's 2 MiB region when a PMD could map it (to check the THP run), else just the page.
  const regionStart = address & ~BigInt(PMD_SIZE - 1);
  const regionInside = regionStart >= mappingStart && regionStart + BigInt(PMD_SIZE) <= mappingEnd;
  const readRegion = regionInside && (pmdMappedKb ?? 0) > 0;
  const firstPage = readRegion ? regionStart : address & ~BigInt(PAGE_SIZE - 1);
  const pageCount = readRegion ? PAGES_PER_PMD : 1;
  const pageIndex = Number((address - firstPage) / BigInt(PAGE_SIZE));
  const reader = new PagesReader(pid, { chunkPages: pageCount, procRoot });
  try {
    const chunk = reader.readChunk(firstPage, 0, pageCount);
    restricted.push(...reader.restricted);
    const row = getPageRow(chunk, pageIndex);
    const entry = decodePagemapEntry(chunk.pagemap, pageIndex);
    let thpRegion: { thpFlag: boolean; contiguousAligned: boolean } | null = null;
    if (readRegion && reader.pfnsVisible && chunk.kpageflags !== null) {
      const head = readPagemapPfn(chunk.pagemap, 0);
      let contiguousAligned = head !== 0 && head % PAGES_PER_PMD === 0;
      for (let i = 1; contiguousAligned && i < PAGES_PER_PMD; i++) contiguousAligned = readPagemapPfn(chunk.pagemap, i) === head + i;
      thpRegion = { thpFlag: row.present && hasKpageflag(chunk.kpageflags[pageIndex]!, KPF_THP), contiguousAligned };
    }
    const size = decidePageSize({
      address,
      mappingStart,
      mappingEnd,
      kernelPageSizeKb: typeof kps === 'number' ? kps : null,
      pmdMappedKb,
      thpRegion,
    });
    const split = splitVirtualAddress(address, paging.levels, size.pageSizeBytes);
    return {
      pid,
      address: address.toString(16),
      paging,
      mapping: { start: mapping.start, end: mapping.end, perms: mapping.perms, path: mapping.path, kind: mapping.kind },
      pageSizeBytes: size.pageSizeBytes,
      pageSizeEvidence: size.evidence,
      pageStart: (address & ~BigInt(size.pageSizeBytes - 1)).toString(16),
      walk: split.steps,
      offsetBytes: split.offsetBytes,
      offsetHighBit: split.offsetHighBit,
      pagemap: {
        present: entry.present,
        swapped: entry.swapped,
        swapType: entry.swapped ? entry.swapType : null,
        swapOffset: entry.swapped ? entry.swapOffset : null,
        exclusive: entry.exclusive,
        file: entry.file,
        softDirty: entry.softDirty,
      },
      pfn: row.pfn,
      physicalAddress: row.pfn === null ? null : computePhysicalAddress(row.pfn, address).toString(16),
      kpagecount: row.mapCount,
      kpageflags: row.flags,
      restricted,
    };
  } finally {
    reader.close();
  }
}
