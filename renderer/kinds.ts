// The address-space categories the composition bar and the VMMap-like summary show, each a set of
// MappingKinds (shared/proc/types.ts), with per-kind sums of smaps fields from the kernel's names.
import type { Mapping, MappingKind } from '../shared/proc/types.js';
import { mappingSizeKb } from '../shared/units.js';
import { WeakMemo } from '../shared/weak-memo.js';

/** A category of address space shown in the composition bar and the kind summary. */
export type KindCategory = 'anon' | 'heap' | 'stack' | 'exe' | 'lib' | 'file' | 'shm' | 'guard' | 'kernel';

/** How a category is named, coloured and which mapping kinds it holds. */
export interface KindCategorySpec {
  id: KindCategory;
  /**
   * The name shown: the MappingKind itself when the category holds one kind (the word the mappings
   * table's Kind column and its "[kind]" names use), else its id with the kinds it holds.
   */
  title: string;
  /** One line for tooltips. */
  description: string;
  kinds: readonly MappingKind[];
  /** A colour readable on both light and dark backgrounds. */
  color: string;
}

/** Every category, in the order bars stack and tables list them. */
export const KIND_CATEGORIES: readonly KindCategorySpec[] = [
  { id: 'anon', title: 'anon', description: 'private anonymous memory: mmap, malloc arenas, thread stacks', kinds: ['anon'], color: '#e4572e' },
  { id: 'heap', title: 'heap', description: '[heap]: the brk area malloc grows', kinds: ['heap'], color: '#f3a712' },
  { id: 'stack', title: 'stack', description: "[stack]: the main thread's stack", kinds: ['stack'], color: '#a8c686' },
  { id: 'exe', title: 'exe (text, data, bss)', description: "the program's own text, data and bss", kinds: ['text', 'data', 'bss'], color: '#669bbc' },
  { id: 'lib', title: 'lib', description: 'shared libraries (.so): code, read-only data, relro, data', kinds: ['lib'], color: '#2a9d8f' },
  { id: 'file', title: 'file', description: 'other file-backed mappings (fonts, locale archives, data files)', kinds: ['file'], color: '#8d6a9f' },
  { id: 'shm', title: 'shm', description: '/dev/shm, SysV shm, memfd, shared anonymous', kinds: ['shm'], color: '#d1495b' },
  { id: 'guard', title: 'guard', description: 'no-access anonymous mappings: guard pages and allocator reservations', kinds: ['guard'], color: '#9a9a9a' },
  { id: 'kernel', title: 'kernel (vdso, vvar, vsyscall)', description: '[vdso], [vvar], [vsyscall]: pages the kernel maps into every process', kinds: ['vdso', 'vvar', 'vsyscall'], color: '#5c6b73' },
];

/** Each kind's category's place in KIND_CATEGORIES (sumByCategory sums into a list in that order). */
const INDEX_OF_KIND = new Map<MappingKind, number>();
KIND_CATEGORIES.forEach((spec, i) => spec.kinds.forEach((k) => INDEX_OF_KIND.set(k, i)));
/** Where a kind no category lists goes. */
const ANON_INDEX = KIND_CATEGORIES.findIndex((spec) => spec.id === 'anon');

/** The category a mapping kind belongs to. */
export function categorizeKind(kind: MappingKind): KindCategory {
  return (KIND_CATEGORIES[INDEX_OF_KIND.get(kind) ?? ANON_INDEX] as KindCategorySpec).id;
}

/** The spec of a category. */
export function findCategory(id: KindCategory): KindCategorySpec {
  return KIND_CATEGORIES.find((c) => c.id === id) ?? (KIND_CATEGORIES[0] as KindCategorySpec);
}

/** One category's sums over its mappings, kB (Private = Private_Clean + Private_Dirty, Shared likewise). */
export interface KindSums {
  category: KindCategory;
  mappingCount: number;
  sizeKb: number;
  rssKb: number;
  pssKb: number;
  privateKb: number;
  sharedKb: number;
  swapKb: number;
}

/** A field's amount, 0 when absent or not a number. */
function amountOf(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** Sums per category, in KIND_CATEGORIES order, including empty categories (count 0). */
export function sumByCategory(mappings: readonly Mapping[]): KindSums[] {
  const list = KIND_CATEGORIES.map((spec): KindSums => ({ category: spec.id, mappingCount: 0, sizeKb: 0, rssKb: 0, pssKb: 0, privateKb: 0, sharedKb: 0, swapKb: 0 }));
  // One lookup per mapping and no closure made per mapping: a 20,000-mapping first read sums every mapping while the
  // page opens, in chunks of 4 to 512 mappings (so little is made per call either).
  for (const m of mappings) {
    const s = list[INDEX_OF_KIND.get(m.kind) ?? ANON_INDEX] as KindSums; // categorizeKind's category
    const f = m.smaps;
    s.mappingCount++;
    // smaps' Size is the VMA's size in kB, as the addresses give it; reading it spares parsing 2 × 20,000 hex strings.
    const sizeKb = f?.Size;
    s.sizeKb += typeof sizeKb === 'number' ? sizeKb : mappingSizeKb(m.start, m.end);
    if (f === undefined) continue;
    s.rssKb += amountOf(f.Rss);
    s.pssKb += amountOf(f.Pss);
    s.privateKb += amountOf(f.Private_Clean) + amountOf(f.Private_Dirty);
    s.sharedKb += amountOf(f.Shared_Clean) + amountOf(f.Shared_Dirty);
    s.swapKb += amountOf(f.Swap);
  }
  return list;
}

/** The amounts of a KindSums, in the order a packed list holds them after its category's index. */
const SUM_FIELDS = ['mappingCount', 'sizeKb', 'rssKb', 'pssKb', 'privateKb', 'sharedKb', 'swapKb'] as const;
/** Numbers per category in a packed list: its index in KIND_CATEGORIES, then SUM_FIELDS. */
const PACKED_STRIDE = 1 + SUM_FIELDS.length;

/** Each chunk's sums, packed (packSums), kept while use-mappings keeps the chunk's array. */
const CHUNK_SUMS = new WeakMemo<readonly Mapping[], readonly number[]>((chunk) => packSums(sumByCategory(chunk)));

/**
 * sumByCategory's list as one array of numbers: for each category with mappings, its index then its SUM_FIELDS. A
 * chunk's mappings are mostly of one or two categories (a run of anonymous pages, a library's segments): ~8 numbers.
 */
function packSums(list: readonly KindSums[]): number[] {
  const packed: number[] = [];
  list.forEach((s, c) => {
    if (s.mappingCount > 0) packed.push(c, ...SUM_FIELDS.map((field) => s[field]));
  });
  return packed;
}

/** Sums `chunk` once (packSums), kept while use-mappings keeps the chunk's array; its packed sums. */
export function sumChunkOnce(chunk: readonly Mapping[]): readonly number[] {
  return CHUNK_SUMS.get(chunk);
}

/** Whether `chunk` was summed (sumChunkOnce) and its sums are kept. */
export function isChunkSummed(chunk: readonly Mapping[]): boolean {
  return CHUNK_SUMS.has(chunk);
}

/**
 * Sums per category of the mappings of every chunk (use-mappings' listMappingChunks), added up from each chunk's sums:
 * a re-read sums again only the chunks that changed, not every mapping. A chunk's sums are kept as one array of
 * numbers, not 9 objects and a list: a 20,000-mapping page holds ~600 chunks, and V8's full GC marks and moves what
 * survives. Amounts are whole kB, so the order of the additions changes nothing.
 */
export function sumChunksByCategory(chunks: readonly (readonly Mapping[])[]): KindSums[] {
  const total = sumByCategory([]);
  for (const chunk of chunks) {
    const packed = sumChunkOnce(chunk);
    for (let at = 0; at < packed.length; at += PACKED_STRIDE) {
      const t = total[packed[at] as number] as KindSums;
      for (let f = 0; f < SUM_FIELDS.length; f++) t[SUM_FIELDS[f] as (typeof SUM_FIELDS)[number]] += packed[at + 1 + f] as number;
    }
  }
  return total;
}

/** Whether two lists of sums hold the same numbers per category (field by field: compared at each mappings re-read). */
export function isSameKindSums(a: readonly KindSums[] | null, b: readonly KindSums[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  return a.every((s, i) => {
    const t = b[i] as KindSums;
    return (Object.keys(s) as (keyof KindSums)[]).every((key) => s[key] === t[key]);
  });
}
