// Compares two snapshots region by region (mappings matched by address overlap and backing, then identity): what grew, shrank, split, merged, appeared or went away, in kB.
// Source of truth: smaps fields as in Documentation/filesystems/proc.rst; matching rule and totals in shared/snapshot/FORMAT.md.

import { groupByBackingFile, type MappingGroup } from '../proc/group.js';
import type { Mapping } from '../proc/types.js';
import { hexToBigInt, mappingSizeKb } from '../units.js';
import type { Snapshot } from './schema.js';

/**
 * How one region changed between the two snapshots. A region is what the matching rule (diffSnapshots)
 * pairs: one mapping on each side (grown, shrunk, unchanged), one side only (new, gone), or several
 * mappings covering one overlapping range: one before and more after (split), more before and one
 * after, or more on both sides with other bounds (merged when fewer after, else split).
 */
export type MappingChange = 'grown' | 'shrunk' | 'unchanged' | 'new' | 'gone' | 'split' | 'merged';

/** Every MappingChange, in the order summaries list them. */
export const MAPPING_CHANGES: readonly MappingChange[] = ['grown', 'shrunk', 'split', 'merged', 'new', 'gone', 'unchanged'];

/** The smaps amounts a diff compares, all in kB. */
export interface MappingAmounts {
  /** end - start (what smaps prints as Size), so it is known even when smaps was not read. */
  sizeKb: number;
  rssKb: number;
  pssKb: number;
  swapKb: number;
  privateDirtyKb: number;
}

/** One region's fate: the matched mappings (one side null for new/gone) and after - before. */
export interface MappingDiff {
  change: MappingChange;
  /** The (first, by address) mapping in the first snapshot, null when new. */
  before: Mapping | null;
  /** The (first, by address) mapping in the second snapshot, null when gone. */
  after: Mapping | null;
  /** Split and merged regions only: every mapping of each side, in address order. */
  parts?: { before: Mapping[]; after: Mapping[] };
  /** Σ after - Σ before over the region's mappings, a missing side counting as all zeros. */
  deltaKb: MappingAmounts;
}

/** Mappings grouped by backing file as groupByBackingFile (shared/proc/group.ts) groups them, summed. */
export interface GroupDiff {
  /** The group key: path, pseudo-name ("[heap]") or "[kind]" for pathless mappings ("[anon]", "[bss]"). */
  group: string;
  beforeCount: number;
  afterCount: number;
  beforeKb: MappingAmounts;
  afterKb: MappingAmounts;
  deltaKb: MappingAmounts;
}

/** One whole-process figure before and after; null where a snapshot does not have it. */
export interface TotalDiff {
  name: 'VIRT' | 'RSS' | 'PSS' | 'SWAP';
  beforeKb: number | null;
  afterKb: number | null;
  /** afterKb - beforeKb, null when either is null. */
  deltaKb: number | null;
}

/** Which process and moment one side of a diff is. */
export interface DiffSide {
  pid: number;
  startTicks: number;
  comm: string;
  createdAt: string;
}

/** Everything diffSnapshots finds. */
export interface SnapshotDiff {
  before: DiffSide;
  after: DiffSide;
  /** Same pid and start time: the same process at two moments (else e.g. two runs of one program). */
  sameProcess: boolean;
  /** Every mapping of either snapshot once, in address order (after's address, else before's). */
  mappings: MappingDiff[];
  /** Sorted by |Rss delta|, then |Size delta|, descending, then by name. */
  groups: GroupDiff[];
  /** VIRT, RSS, PSS, SWAP in that order. */
  totals: TotalDiff[];
  /** How many mappings had each change. */
  counts: Record<MappingChange, number>;
}

const ZERO_AMOUNTS: Readonly<MappingAmounts> = { sizeKb: 0, rssKb: 0, pssKb: 0, swapKb: 0, privateDirtyKb: 0 };

/**
 * Diffs snapshot a (before) against b (after).
 *
 * Matching rule, in two passes:
 * 1. By overlap: a mapping of a and one of b whose address ranges overlap are one region when their
 *    backing agrees: file-backed (path starts with "/"): same path, same sharing (p/s) and the same file
 *    page at the same address (start - offset equal), perms may differ (mprotect); named pseudo-mappings
 *    ([heap], [stack], …): same name; other anonymous memory (path "" or "[anon:name]"): same path,
 *    kind and sharing. So a region that grew at either end (a stack, an anonymous region the kernel
 *    merged with one mapped below it) is one region that grew; mappings chained by overlaps are one
 *    split or merged region.
 * 2. What overlap left unpaired, by identity (identifyMapping), in address order: a library mapped at
 *    another address, the stack of another run of the program, an anonymous mapping whose kind changed.
 *
 * Classification: a region of one mapping each side is unchanged when all five amount deltas are zero,
 * else grown or shrunk by the sign of the first non-zero delta in the order Size, Rss, Pss, Swap,
 * Private_Dirty; more mappings on a side make it split or merged (see MappingChange).
 *
 * Totals: VIRT, RSS and SWAP are top(1)'s (process.metrics virtKb, resKb, swapKb); PSS is
 * smaps_rollup's Pss, else totals.Pss, else null.
 */
export function diffSnapshots(a: Snapshot, b: Snapshot): SnapshotDiff {
  const mappings = pairMappings(a.mappings, b.mappings);
  const counts: Record<MappingChange, number> = { grown: 0, shrunk: 0, unchanged: 0, new: 0, gone: 0, split: 0, merged: 0 };
  for (const d of mappings) counts[d.change]++;
  return {
    before: describeSide(a),
    after: describeSide(b),
    sameProcess: a.process.pid === b.process.pid && a.process.metrics.startTicks === b.process.metrics.startTicks,
    mappings,
    groups: groupMappings(a.mappings, b.mappings),
    totals: [
      diffTotal('VIRT', a.process.metrics.virtKb, b.process.metrics.virtKb),
      diffTotal('RSS', a.process.metrics.resKb, b.process.metrics.resKb),
      diffTotal('PSS', readPssKb(a), readPssKb(b)),
      diffTotal('SWAP', a.process.metrics.swapKb, b.process.metrics.swapKb),
    ],
    counts,
  };
}

/** The five compared amounts of one mapping, in kB; absent smaps fields count as 0. */
export function readMappingAmounts(m: Mapping): MappingAmounts {
  return {
    sizeKb: mappingSizeKb(m.start, m.end),
    rssKb: readField(m, 'Rss'),
    pssKb: readField(m, 'Pss'),
    swapKb: readField(m, 'Swap'),
    privateDirtyKb: readField(m, 'Private_Dirty'),
  };
}

/** The identity key of the second matching pass (see diffSnapshots). */
export function identifyMapping(m: Mapping): string {
  if (m.path.startsWith('/')) return `file\0${m.path}\0${m.offset}\0${m.perms}`;
  if (isNamedPseudo(m.path)) return `named\0${m.path}`;
  return `anon\0${hexToBigInt(m.start).toString(16)}`;
}

/**
 * The backing key of the overlap pass: two overlapping mappings with equal keys are one region. A file
 * mapping's key holds start - offset, the address where the file's first byte would be: equal for the
 * same file pages at the same addresses, however the mapping's ends moved.
 */
export function identifyBacking(m: Mapping, startAt: bigint): string {
  const sharing = m.perms[3] ?? '';
  if (m.path.startsWith('/')) return `file\0${m.path}\0${m.dev}\0${m.inode}\0${sharing}\0${(startAt - hexToBigInt(m.offset)).toString(16)}`;
  if (isNamedPseudo(m.path)) return `named\0${m.path}`;
  return `anon\0${m.path}\0${m.kind}\0${sharing}`;
}

function isNamedPseudo(path: string): boolean {
  return path.startsWith('[') && path.endsWith(']') && !path.startsWith('[anon:');
}

/** A mapping with its bounds as numbers, and the region (union-find root) it belongs to. */
interface Placed {
  m: Mapping;
  startAt: bigint;
  endAt: bigint;
  backing: string;
  /** Index into the joint before+after list of the region's root; itself when alone. */
  root: number;
}

function place(list: readonly Mapping[], offset: number): Placed[] {
  return sortByStart(list).map((m, i) => {
    const startAt = hexToBigInt(m.start);
    return { m, startAt, endAt: hexToBigInt(m.end), backing: identifyBacking(m, startAt), root: offset + i };
  });
}

function pairMappings(beforeList: readonly Mapping[], afterList: readonly Mapping[]): MappingDiff[] {
  const before = place(beforeList, 0);
  const after = place(afterList, before.length);
  const all = [...before, ...after];
  const find = (i: number): number => {
    let r = i;
    while (all[r]!.root !== r) r = all[r]!.root;
    while (all[i]!.root !== r) {
      const next = all[i]!.root;
      all[i]!.root = r;
      i = next;
    }
    return r;
  };
  // Pass 1: a snapshot's mappings never overlap each other, so both lists sorted by start overlap in one merge-like sweep.
  const matched = new Uint8Array(all.length);
  let first = 0;
  for (let j = 0; j < after.length; j++) {
    const y = after[j]!;
    while (first < before.length && before[first]!.endAt <= y.startAt) first++;
    for (let i = first; i < before.length && before[i]!.startAt < y.endAt; i++) {
      if (before[i]!.backing !== y.backing) continue;
      matched[i] = 1;
      matched[before.length + j] = 1;
      const ri = find(i);
      const rj = find(before.length + j);
      if (ri !== rj) all[Math.max(ri, rj)]!.root = Math.min(ri, rj);
    }
  }
  // Pass 2: identity, in address order, among what overlap left alone.
  const waiting = new Map<string, number[]>();
  for (let i = 0; i < before.length; i++) {
    if (matched[i] === 1) continue;
    const key = identifyMapping(before[i]!.m);
    const list = waiting.get(key);
    if (list === undefined) waiting.set(key, [i]);
    else list.push(i);
  }
  for (let j = 0; j < after.length; j++) {
    if (matched[before.length + j] === 1) continue;
    const i = waiting.get(identifyMapping(after[j]!.m))?.shift();
    if (i !== undefined) all[before.length + j]!.root = find(i);
  }
  // Regions in the order their members were placed (address order on each side).
  const regions = new Map<number, { before: Mapping[]; after: Mapping[] }>();
  for (let k = 0; k < all.length; k++) {
    const r = find(k);
    let region = regions.get(r);
    if (region === undefined) {
      region = { before: [], after: [] };
      regions.set(r, region);
    }
    (k < before.length ? region.before : region.after).push(all[k]!.m);
  }
  const out: { diff: MappingDiff; at: bigint; order: number }[] = [];
  for (const region of regions.values()) {
    const shown = region.after[0] ?? region.before[0];
    if (shown === undefined) continue;
    out.push({ diff: compareRegion(region.before, region.after), at: hexToBigInt(shown.start), order: region.after.length > 0 ? 1 : 0 });
  }
  // At one address a gone mapping is listed before the new one that replaced it.
  out.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.order - y.order));
  return out.map((o) => o.diff);
}

/** One region's diff: its mappings before and after (either side may be empty, not both). */
function compareRegion(before: Mapping[], after: Mapping[]): MappingDiff {
  const deltaKb = subtractAmounts(sumMappingAmounts(after), sumMappingAmounts(before));
  const diff: MappingDiff = { change: 'unchanged', before: before[0] ?? null, after: after[0] ?? null, deltaKb };
  if (before.length === 0) diff.change = 'new';
  else if (after.length === 0) diff.change = 'gone';
  else if (before.length > 1 || after.length > 1) {
    diff.change = after.length < before.length ? 'merged' : 'split';
    diff.parts = { before, after };
  } else {
    const first = [deltaKb.sizeKb, deltaKb.rssKb, deltaKb.pssKb, deltaKb.swapKb, deltaKb.privateDirtyKb].find((d) => d !== 0);
    diff.change = first === undefined ? 'unchanged' : first > 0 ? 'grown' : 'shrunk';
  }
  return diff;
}

function sumMappingAmounts(list: readonly Mapping[]): MappingAmounts {
  let sum = ZERO_AMOUNTS;
  for (const m of list) sum = addAmounts(sum, readMappingAmounts(m));
  return sum;
}

function groupMappings(before: readonly Mapping[], after: readonly Mapping[]): GroupDiff[] {
  const groups = new Map<string, GroupDiff>();
  const touch = (key: string): GroupDiff => {
    let g = groups.get(key);
    if (g === undefined) {
      g = { group: key, beforeCount: 0, afterCount: 0, beforeKb: { ...ZERO_AMOUNTS }, afterKb: { ...ZERO_AMOUNTS }, deltaKb: { ...ZERO_AMOUNTS } };
      groups.set(key, g);
    }
    return g;
  };
  for (const group of groupByBackingFile(before)) {
    const g = touch(group.key);
    g.beforeCount = group.mappingCount;
    g.beforeKb = readGroupAmounts(group);
  }
  for (const group of groupByBackingFile(after)) {
    const g = touch(group.key);
    g.afterCount = group.mappingCount;
    g.afterKb = readGroupAmounts(group);
  }
  const list = [...groups.values()];
  for (const g of list) g.deltaKb = subtractAmounts(g.afterKb, g.beforeKb);
  list.sort(
    (x, y) =>
      Math.abs(y.deltaKb.rssKb) - Math.abs(x.deltaKb.rssKb) ||
      Math.abs(y.deltaKb.sizeKb) - Math.abs(x.deltaKb.sizeKb) ||
      (x.group < y.group ? -1 : x.group > y.group ? 1 : 0),
  );
  return list;
}

function readGroupAmounts(group: MappingGroup): MappingAmounts {
  const sums = group.smapsSums;
  return {
    sizeKb: group.sizeKb,
    rssKb: sums.Rss ?? 0,
    pssKb: sums.Pss ?? 0,
    swapKb: sums.Swap ?? 0,
    privateDirtyKb: sums.Private_Dirty ?? 0,
  };
}

function diffTotal(name: TotalDiff['name'], beforeKb: number | null, afterKb: number | null): TotalDiff {
  return { name, beforeKb, afterKb, deltaKb: beforeKb === null || afterKb === null ? null : afterKb - beforeKb };
}

function readPssKb(s: Snapshot): number | null {
  const fromRollup = s.rollup?.Pss;
  if (typeof fromRollup === 'number') return fromRollup;
  const fromTotals = s.totals.Pss;
  return typeof fromTotals === 'number' ? fromTotals : null;
}

function describeSide(s: Snapshot): DiffSide {
  return {
    pid: s.process.pid,
    startTicks: s.process.metrics.startTicks,
    comm: s.process.metrics.comm,
    createdAt: s.createdAt,
  };
}

function readField(m: Mapping, key: string): number {
  const v = m.smaps?.[key];
  return typeof v === 'number' ? v : 0;
}

function addAmounts(x: MappingAmounts, y: MappingAmounts): MappingAmounts {
  return {
    sizeKb: x.sizeKb + y.sizeKb,
    rssKb: x.rssKb + y.rssKb,
    pssKb: x.pssKb + y.pssKb,
    swapKb: x.swapKb + y.swapKb,
    privateDirtyKb: x.privateDirtyKb + y.privateDirtyKb,
  };
}

function subtractAmounts(x: MappingAmounts, y: MappingAmounts): MappingAmounts {
  return {
    sizeKb: x.sizeKb - y.sizeKb,
    rssKb: x.rssKb - y.rssKb,
    pssKb: x.pssKb - y.pssKb,
    swapKb: x.swapKb - y.swapKb,
    privateDirtyKb: x.privateDirtyKb - y.privateDirtyKb,
  };
}

function sortByStart(list: readonly Mapping[]): Mapping[] {
  return list
    .map((m) => ({ m, at: hexToBigInt(m.start) }))
    .sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0))
    .map((x) => x.m);
}
