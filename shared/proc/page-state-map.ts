// A range of a process's pages in the compact, JSON-friendly form the getPages API returns (one character of
// pagemap bits per page, plus kpagecount and kpageflags as root), and the page states the page map colours.
// Source of truth: Documentation/admin-guide/mm/pagemap.rst (Linux 6.x), read by electron/host/proc/pages-reader.ts.

import { hasKpageflag, KPF_DIRTY, KPF_ZERO_PAGE } from './kpageflags.js';
import type { PagesTotals } from './page-row.js';
import { PAGEMAP_ENTRY_BYTES, PM_HIGH_WORD } from './pagemap.js';
import type { Mapping } from './types.js';

/** Most pages one getPages call returns: 1 GiB of 4 KiB pages (about 2.5 MB of JSON as root). */
export const MAX_PAGES_PER_CALL = 262144;

/** Bits of one page's entry character (a subset of its pagemap entry). */
export const PageEntryBit = {
  present: 1,
  swapped: 2,
  /** PM_MMAP_EXCLUSIVE: mapped by exactly one process. */
  exclusive: 4,
  /** PM_FILE: page-cache page or shared anonymous (shmem). */
  file: 8,
  softDirty: 16,
} as const;

/** 32 characters, one per 5-bit entry value (base-32 digits). */
const ENTRY_ALPHABET = '0123456789abcdefghijklmnopqrstuv';
const ENTRY_VALUE = new Int8Array(128).fill(-1);
for (let v = 0; v < ENTRY_ALPHABET.length; v++) ENTRY_VALUE[ENTRY_ALPHABET.charCodeAt(v)] = v;

/**
 * A range of pages as getPages returns it.
 *
 * Invariants: entries.length = pageCount; mapCounts and kpageflags are both null (no root) or both hold
 * pageCount numbers, 0 for a page that is not present; totals.pageCount = pageCount.
 */
export interface PageMap {
  pid: number;
  /** Address of the first page, lowercase hex without 0x. */
  startAddress: string;
  pageCount: number;
  /** One character per page: the base-32 digit of its PageEntryBit bits ('0' = not present, nothing set). */
  entries: string;
  /** Per page: /proc/kpagecount (page-table mappings of the page); null without root. */
  mapCounts: number[] | null;
  /** Per page: the low 32 bits of /proc/kpageflags (every stable KPF_* bit); null without root. */
  kpageflags: number[] | null;
  /** Counts as `memscope pages` prints them (Rss, Pss… null without root). */
  totals: PagesTotals;
  /** The mappings the range covers, as /proc/PID/maps lists them. */
  mappings: Mapping[];
  /** Whether PFN-derived data (mapCounts, kpageflags) is present. */
  pfnsVisible: boolean;
  /** What could not be read and why (empty as root). */
  restricted: string[];
}

/** The PageEntryBit bits of pagemap entry i of a chunk's DataView. */
export function readPageEntryBits(view: DataView, i: number): number {
  const hi = view.getUint32(i * PAGEMAP_ENTRY_BYTES + 4, true);
  let bits = 0;
  if ((hi & PM_HIGH_WORD.PM_PRESENT) !== 0) bits |= PageEntryBit.present;
  if ((hi & PM_HIGH_WORD.PM_SWAP) !== 0) bits |= PageEntryBit.swapped;
  if ((hi & PM_HIGH_WORD.PM_MMAP_EXCLUSIVE) !== 0) bits |= PageEntryBit.exclusive;
  if ((hi & PM_HIGH_WORD.PM_FILE) !== 0) bits |= PageEntryBit.file;
  if ((hi & PM_HIGH_WORD.PM_SOFT_DIRTY) !== 0) bits |= PageEntryBit.softDirty;
  return bits;
}

/** The entry character of a set of PageEntryBit bits. */
export function encodePageEntry(bits: number): string {
  return ENTRY_ALPHABET[bits & 31]!;
}

/** The PageEntryBit bits of page i of a PageMap's entries string (0 for an unknown character). */
export function decodePageEntry(entries: string, i: number): number {
  const v = ENTRY_VALUE[entries.charCodeAt(i) & 127]!;
  return v < 0 ? 0 : v;
}

/** What the page map colours a page as. */
export const PageState = {
  /** No PTE (never touched, or dropped). */
  none: 0,
  /** Swapped out: a swap entry in the PTE. */
  swapped: 1,
  /** The shared zero page (a read of untouched private anonymous memory): not in Rss. Root only. */
  zero: 2,
  /** Present and mapped by this process only. */
  exclusive: 3,
  /** Present anonymous page mapped more than once (after fork, before copy-on-write); without root also the zero page. */
  shared: 4,
  /** A clean page-cache or shmem page. */
  file: 5,
  /** A page-cache or shmem page whose folio is dirty (written, not yet written back). Root only. */
  dirty: 6,
} as const;
/** A PageState value. */
export type PageStateCode = (typeof PageState)[keyof typeof PageState];
/** Names of PageState values, indexed by code. */
export const PAGE_STATE_NAMES = ['not present', 'swapped', 'zero page', 'present exclusive', 'present shared', 'file', 'dirty'] as const;
/** Number of PageState values. */
export const PAGE_STATE_COUNT = PAGE_STATE_NAMES.length;

/**
 * Classifies page i of a PageMap. A file (PM_FILE) page is `file` or `dirty` whatever its sharing; an anonymous
 * page is `exclusive` when PM_MMAP_EXCLUSIVE or a kpagecount of 1 says so, else `shared` (or `zero` as root).
 */
export function classifyPage(map: Pick<PageMap, 'entries' | 'mapCounts' | 'kpageflags'>, i: number): PageStateCode {
  const bits = decodePageEntry(map.entries, i);
  if ((bits & PageEntryBit.present) === 0) return (bits & PageEntryBit.swapped) !== 0 ? PageState.swapped : PageState.none;
  const flags = map.kpageflags === null ? null : (map.kpageflags[i] ?? 0);
  if (flags !== null && hasKpageflag(flags, KPF_ZERO_PAGE)) return PageState.zero;
  if ((bits & PageEntryBit.file) !== 0) return flags !== null && hasKpageflag(flags, KPF_DIRTY) ? PageState.dirty : PageState.file;
  if ((bits & PageEntryBit.exclusive) !== 0) return PageState.exclusive;
  const count = map.mapCounts === null ? null : (map.mapCounts[i] ?? 0);
  return count === 1 ? PageState.exclusive : PageState.shared;
}

/** Page states of a whole PageMap, one byte per page, and how many pages are in each state. */
export function classifyPages(map: Pick<PageMap, 'entries' | 'mapCounts' | 'kpageflags' | 'pageCount'>): { states: Uint8Array; counts: number[] } {
  const states = new Uint8Array(map.pageCount);
  const counts = new Array<number>(PAGE_STATE_COUNT).fill(0);
  for (let i = 0; i < map.pageCount; i++) {
    const s = classifyPage(map, i);
    states[i] = s;
    counts[s]!++;
  }
  return { states, counts };
}
