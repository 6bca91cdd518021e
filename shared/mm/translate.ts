// x86-64 virtual-address translation: which bits of an address index each page-table level (PGD, P4D, PUD,
// PMD, PTE) and which are the offset in the page, for 4-level and 5-level (LA57) paging, and which page size
// maps an address. Sources: Intel SDM vol. 3A §4.5 (4-level and 5-level paging), arch/x86/include/asm/
// pgtable_64_types.h (PGDIR_SHIFT 39 or 48, P4D_SHIFT 39, PUD_SHIFT 30, PMD_SHIFT 21, PAGE_SHIFT 12,
// 512 entries per table), Documentation/arch/x86/x86_64/mm.rst (canonical halves), Linux 6.x.

import { ApiError } from '../errors.js';
import { quoteUserInput } from '../text/escape.js';
import { PAGE_SHIFT, PAGE_SIZE } from '../units.js';

/** Number of paging levels: 4 (48-bit virtual addresses) or 5 (LA57, 57-bit). */
export type PagingLevels = 4 | 5;

/** A page-table level, named as in the kernel. */
export type TableLevel = 'PGD' | 'P4D' | 'PUD' | 'PMD' | 'PTE';

/** log2 of the bytes one PMD entry maps (2 MiB). */
export const PMD_SHIFT = 21;
/** log2 of the bytes one PUD entry maps (1 GiB). */
export const PUD_SHIFT = 30;
/** log2 of the bytes one P4D entry maps (512 GiB); also PGDIR_SHIFT with 4 levels. */
export const P4D_SHIFT = 39;
/** PGDIR_SHIFT with 5 levels (256 TiB per PGD entry). */
export const PGDIR_SHIFT_LA57 = 48;
/** Entries per table at every level (9 index bits). */
export const PTRS_PER_TABLE = 512;
/** Bytes of one table entry. */
export const TABLE_ENTRY_BYTES = 8;

/** Bytes one PMD entry maps: the PMD-mapped page size (THP, hugetlb 2M). */
export const PMD_SIZE = 2 ** PMD_SHIFT;
/** Bytes one PUD entry maps: the PUD-mapped page size (hugetlb 1G). */
export const PUD_SIZE = 2 ** PUD_SHIFT;

const TWO_64 = 1n << 64n;

/** Virtual address width in bits: 48 for 4-level paging, 57 for 5-level. */
export function countVirtualAddressBits(levels: PagingLevels): number {
  return levels === 5 ? 57 : 48;
}

/**
 * Parses an address typed by a user (hex, 0x optional, any case). Throws ApiError('bad-arg') naming the
 * problem: not hex, or more than 64 bits.
 */
export function parseVirtualAddress(text: string): bigint {
  const digits = /^0[xX]/.test(text) ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]+$/.test(digits)) {
    throw new ApiError('bad-arg', `not a hex address: ${quoteUserInput(text)} (expected e.g. 7f3dd9bf4000 or 0x7f3dd9bf4000)`);
  }
  const value = BigInt(`0x${digits}`);
  if (value >= TWO_64) throw new ApiError('bad-arg', `address ${quoteUserInput(text)} is out of range: more than 64 bits`);
  return value;
}

/**
 * Null when the address is canonical for the paging mode (bits 63 … width-1 all equal), else a one-line
 * reason. User space is the lower half; the upper half is the kernel's (and [vsyscall]).
 */
export function explainNonCanonical(address: bigint, levels: PagingLevels): string | null {
  const width = BigInt(countVirtualAddressBits(levels));
  const top = address >> (width - 1n); // bits 63 … width-1
  const ones = (1n << (64n - width + 1n)) - 1n;
  if (top === 0n || top === ones) return null;
  return (
    `address ${address.toString(16)} is not canonical for ${levels}-level paging: bits 63..${width - 1n} must all equal bit ${width - 1n} ` +
    `(user space ends at ${((1n << (width - 1n)) - 1n).toString(16)})`
  );
}

/** What decided the paging mode. */
export interface PagingEvidence {
  levels: PagingLevels;
  /** /proc/cpuinfo lists the la57 flag (the kernel clears it when it does not run 5-level page tables). */
  cpuLa57: boolean;
  /** Highest user-space address mapped (end of the highest mapping below 2^63), hex; null when unknown. */
  highestUserAddress: string | null;
  /** One line for people. */
  reason: string;
}

/**
 * Decides 4- or 5-level paging: 5 when /proc/cpuinfo shows la57 (Linux clears X86_FEATURE_LA57 unless it
 * enabled 5-level paging at boot) or when the process maps user space above 2^47, which 4-level paging
 * cannot address. highestUserEnd: the end of the highest mapping below 2^63 (null: unknown).
 */
export function decidePagingLevels(cpuLa57: boolean, highestUserEnd: bigint | null): PagingEvidence {
  const highest = highestUserEnd === null ? null : highestUserEnd.toString(16);
  const above47 = highestUserEnd !== null && highestUserEnd > 1n << 47n;
  if (cpuLa57 || above47) {
    const why = [cpuLa57 ? 'cpuinfo flags include la57' : '', above47 ? `user space reaches ${highest} (above 2^47)` : ''].filter((s) => s !== '');
    return { levels: 5, cpuLa57, highestUserAddress: highest, reason: `5-level paging: ${why.join('; ')}` };
  }
  return {
    levels: 4,
    cpuLa57,
    highestUserAddress: highest,
    reason: `4-level paging: no la57 in cpuinfo flags${highest === null ? '' : `, user space ends at ${highest} (below 2^47)`}`,
  };
}

/** One level of the walk. */
export interface WalkStep {
  level: TableLevel;
  /** Entry index within this level's table, 0 … 511. */
  index: number;
  /** Highest and lowest address bit of the index, e.g. 47 and 39. */
  highBit: number;
  lowBit: number;
  /** Byte offset of the entry within its 4 KiB table (index × 8). */
  entryOffsetBytes: number;
  /** Bytes of address space one entry of this level maps. */
  entryCoversBytes: number;
  /** What the entry points to: the next table, or (for the last step) the page. */
  selects: string;
}

/** An address split into walk steps and the offset within its page. */
export interface AddressSplit {
  levels: PagingLevels;
  pageSizeBytes: number;
  steps: WalkStep[];
  /** Offset within the page. */
  offsetBytes: number;
  /** Highest bit of the offset (11 for 4 KiB, 20 for 2 MiB, 29 for 1 GiB). */
  offsetHighBit: number;
}

/** Human name of a page size: "4 KiB", "2 MiB", "1 GiB". */
export function formatPageSize(bytes: number): string {
  if (bytes >= 2 ** 30) return `${bytes / 2 ** 30} GiB`;
  if (bytes >= 2 ** 20) return `${bytes / 2 ** 20} MiB`;
  return `${bytes / 1024} KiB`;
}

/**
 * Splits an address into the table indices of a walk and the page offset. The walk stops at the level
 * whose entry maps the page: PTE for 4 KiB pages, PMD for 2 MiB, PUD for 1 GiB. With 4 levels the P4D is
 * folded into the PGD (PTRS_PER_P4D = 1) and not listed. Throws RangeError on an unsupported page size.
 */
export function splitVirtualAddress(address: bigint, levels: PagingLevels, pageSizeBytes: number): AddressSplit {
  const leafShift = pageSizeBytes === PAGE_SIZE ? PAGE_SHIFT : pageSizeBytes === PMD_SIZE ? PMD_SHIFT : pageSizeBytes === PUD_SIZE ? PUD_SHIFT : -1;
  if (leafShift < 0) throw new RangeError(`page size ${pageSizeBytes} is not 4 KiB, 2 MiB or 1 GiB`);
  const shifts: [TableLevel, number][] =
    levels === 5
      ? [['PGD', PGDIR_SHIFT_LA57], ['P4D', P4D_SHIFT], ['PUD', PUD_SHIFT], ['PMD', PMD_SHIFT], ['PTE', PAGE_SHIFT]]
      : [['PGD', P4D_SHIFT], ['PUD', PUD_SHIFT], ['PMD', PMD_SHIFT], ['PTE', PAGE_SHIFT]];
  const used = shifts.filter(([, shift]) => shift >= leafShift);
  const steps = used.map(([level, shift], i): WalkStep => {
    const index = Number((address >> BigInt(shift)) & BigInt(PTRS_PER_TABLE - 1));
    const next = used[i + 1];
    return {
      level,
      index,
      highBit: shift + 8,
      lowBit: shift,
      entryOffsetBytes: index * TABLE_ENTRY_BYTES,
      entryCoversBytes: 2 ** shift,
      selects: next === undefined ? `the ${formatPageSize(pageSizeBytes)} page` : `a ${next[0]} table`,
    };
  });
  return {
    levels,
    pageSizeBytes,
    steps,
    offsetBytes: Number(address & BigInt(pageSizeBytes - 1)),
    offsetHighBit: leafShift - 1,
  };
}

/** What is known about the 2 MiB region around an address, for deciding its page size. */
export interface PageSizeInput {
  address: bigint;
  mappingStart: bigint;
  mappingEnd: bigint;
  /** smaps KernelPageSize in kB (hugetlbfs mappings: 2048 or 1048576), when smaps was readable. */
  kernelPageSizeKb: number | null;
  /** smaps AnonHugePages + FilePmdMapped + ShmemPmdMapped in kB: memory of this mapping mapped by PMDs. */
  pmdMappedKb: number | null;
  /**
   * As root: whether the address's page has KPF_THP and the 512 pages of its 2 MiB region are present with
   * consecutive PFNs from a 512-aligned frame (a PMD can map nothing else); null without root.
   */
  thpRegion: { thpFlag: boolean; contiguousAligned: boolean } | null;
}

/** The page size that maps an address and why. */
export interface PageSizeDecision {
  pageSizeBytes: number;
  /** One line for people, naming the files that decided it. */
  evidence: string;
}

/**
 * Decides the page size: hugetlbfs mappings say it in smaps KernelPageSize; otherwise 2 MiB when the 2 MiB
 * region around the address lies inside the mapping and smaps counts PMD-mapped memory (AnonHugePages,
 * FilePmdMapped, ShmemPmdMapped) in it — confirmed as root by kpageflags THP and a 512-aligned contiguous
 * PFN run (a THP split into PTEs keeps KPF_THP but loses the run's alignment or presence) — else 4 KiB.
 */
export function decidePageSize(input: PageSizeInput): PageSizeDecision {
  const kps = input.kernelPageSizeKb;
  if (kps !== null && kps * 1024 > PAGE_SIZE) {
    const bytes = kps * 1024;
    if (bytes === PMD_SIZE || bytes === PUD_SIZE) return { pageSizeBytes: bytes, evidence: `hugetlb mapping: smaps KernelPageSize ${kps} kB` };
  }
  const regionStart = input.address & ~BigInt(PMD_SIZE - 1);
  const inside = regionStart >= input.mappingStart && regionStart + BigInt(PMD_SIZE) <= input.mappingEnd;
  const pmdKb = input.pmdMappedKb;
  if (pmdKb === null) return { pageSizeBytes: PAGE_SIZE, evidence: '4 KiB assumed: smaps unreadable (no AnonHugePages/FilePmdMapped)' };
  if (pmdKb === 0) return { pageSizeBytes: PAGE_SIZE, evidence: 'smaps: no PMD-mapped memory in this mapping (AnonHugePages, FilePmdMapped, ShmemPmdMapped 0 kB)' };
  if (!inside) return { pageSizeBytes: PAGE_SIZE, evidence: `the 2 MiB region around the address crosses the mapping's bounds, so no PMD maps it` };
  const thp = input.thpRegion;
  if (thp === null) {
    return { pageSizeBytes: PMD_SIZE, evidence: `likely: smaps counts ${pmdKb} kB PMD-mapped in this mapping and the 2 MiB region lies inside it (kpageflags needs root to confirm)` };
  }
  if (thp.thpFlag && thp.contiguousAligned) {
    return { pageSizeBytes: PMD_SIZE, evidence: `kpageflags THP, and the 2 MiB region's 512 pages are present with consecutive PFNs from a 512-aligned frame (smaps ${pmdKb} kB PMD-mapped)` };
  }
  return {
    pageSizeBytes: PAGE_SIZE,
    evidence: thp.thpFlag ? 'kpageflags THP but its PFNs are not one aligned 2 MiB run: a PTE-mapped (split) huge page' : 'kpageflags: not a THP page (other parts of the mapping are PMD-mapped)',
  };
}

/** One page's pagemap entry as the walk report shows it. */
export interface TranslatedPagemap {
  present: boolean;
  swapped: boolean;
  /** Swap type (index of the swap area) and offset in it, when swapped. */
  swapType: number | null;
  swapOffset: number | null;
  /** Mapped by exactly one process (PM_MMAP_EXCLUSIVE). */
  exclusive: boolean;
  /** Page cache or shared anonymous memory (PM_FILE). */
  file: boolean;
  softDirty: boolean;
}

/** `memscope translate PID ADDR` as data: the walk for one address of a live process. */
export interface TranslationReport {
  pid: number;
  /** The address asked for, lowercase hex. */
  address: string;
  paging: PagingEvidence;
  /** The mapping holding the address, as /proc/PID/maps prints it. */
  mapping: { start: string; end: string; perms: string; path: string; kind: string };
  pageSizeBytes: number;
  pageSizeEvidence: string;
  /** Start of the page (aligned to pageSizeBytes), hex. */
  pageStart: string;
  walk: WalkStep[];
  offsetBytes: number;
  offsetHighBit: number;
  pagemap: TranslatedPagemap;
  /** Frame of the 4 KiB page holding the address (for a 2 MiB page: of its 4 KiB part); null unless root and present. */
  pfn: number | null;
  /** pfn × 4096 + (address mod 4096), hex; null with pfn. */
  physicalAddress: string | null;
  /** /proc/kpagecount of the frame; null unless root and present. */
  kpagecount: number | null;
  /** Stable KPF_* names set in /proc/kpageflags; null unless root and present. */
  kpageflags: string[] | null;
  /** What could not be read and why (empty as root). */
  restricted: string[];
}

/** Physical address of a byte: its 4 KiB frame's base plus the byte's offset in that frame. */
export function computePhysicalAddress(pfn: number, address: bigint): bigint {
  return BigInt(pfn) * BigInt(PAGE_SIZE) + (address & BigInt(PAGE_SIZE - 1));
}
