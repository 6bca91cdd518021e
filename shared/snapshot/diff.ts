// Compares two snapshots mapping by mapping: what grew, shrank, appeared or went away, in kB.
// Source of truth: smaps fields as in Documentation/filesystems/proc.rst; matching rule and totals in shared/snapshot/FORMAT.md.

import { groupByBackingFile, type MappingGroup } from '../proc/group.js';
import type { Mapping } from '../proc/types.js';
import { hexToBigInt, mappingSizeKb } from '../units.js';
import type { Snapshot } from './schema.js';

/** How one mapping changed between the two snapshots. */
export type MappingChange = 'grown' | 'shrunk' | 'unchanged' | 'new' | 'gone';

/** Every MappingChange, in the order summaries list them. */
export const MAPPING_CHANGES: readonly MappingChange[] = ['grown', 'shrunk', 'new', 'gone', 'unchanged'];

/** The smaps amounts a diff compares, all in kB. */
export interface MappingAmounts {
  /** end - start (what smaps prints as Size), so it is known even when smaps was not read. */
  sizeKb: number;
  rssKb: number;
  pssKb: number;
  swapKb: number;
  privateDirtyKb: number;
}

/** One mapping's fate: the matched pair (one side null for new/gone) and after - before. */
export interface MappingDiff {
  change: MappingChange;
  /** The mapping in the first snapshot, null when new. */
  before: Mapping | null;
  /** The mapping in the second snapshot, null when gone. */
  after: Mapping | null;
  /** after - before, a missing side counting as all zeros. */
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
 * Matching rule (a mapping's identity):
 * - file-backed (path starts with "/"): same path, file offset and perms; when several mappings share
 *   all three, they are paired in address order;
 * - named pseudo-mappings ([heap], [stack], [vdso], [vvar], …, but not "[anon:…]"): same name, so a
 *   heap whose end moved is one mapping that grew or shrank, not one gone and one new;
 * - any other anonymous mapping (including "[anon:name]"): same start address.
 *
 * Classification: unchanged when all five amount deltas are zero; otherwise grown or shrunk by the
 * sign of the first non-zero delta in the order Size, Rss, Pss, Swap, Private_Dirty.
 *
 * Totals: VIRT, RSS and SWAP are top(1)'s (process.metrics virtKb, resKb, swapKb); PSS is
 * smaps_rollup's Pss, else totals.Pss, else null.
 */
export function diffSnapshots(a: Snapshot, b: Snapshot): SnapshotDiff {
  const mappings = pairMappings(a.mappings, b.mappings);
  const counts: Record<MappingChange, number> = { grown: 0, shrunk: 0, unchanged: 0, new: 0, gone: 0 };
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

/** The identity key used to pair mappings across snapshots (see diffSnapshots). */
export function identifyMapping(m: Mapping): string {
  if (m.path.startsWith('/')) return `file\0${m.path}\0${m.offset}\0${m.perms}`;
  if (m.path.startsWith('[') && m.path.endsWith(']') && !m.path.startsWith('[anon:')) return `named\0${m.path}`;
  return `anon\0${hexToBigInt(m.start).toString(16)}`;
}

function pairMappings(before: readonly Mapping[], after: readonly Mapping[]): MappingDiff[] {
  const sortedBefore = sortByStart(before);
  const waiting = new Map<string, Mapping[]>();
  for (const m of sortedBefore) {
    const key = identifyMapping(m);
    const list = waiting.get(key);
    if (list === undefined) waiting.set(key, [m]);
    else list.push(m);
  }
  const out: { diff: MappingDiff; at: bigint; order: number }[] = [];
  for (const m of sortByStart(after)) {
    const list = waiting.get(identifyMapping(m));
    const match = list?.shift();
    out.push({ diff: compareMappings(match ?? null, m), at: hexToBigInt(m.start), order: 1 });
  }
  for (const list of waiting.values()) {
    for (const m of list) out.push({ diff: compareMappings(m, null), at: hexToBigInt(m.start), order: 0 });
  }
  // At one address a gone mapping is listed before the new one that replaced it.
  out.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.order - y.order));
  return out.map((o) => o.diff);
}

function compareMappings(before: Mapping | null, after: Mapping | null): MappingDiff {
  const b = before === null ? ZERO_AMOUNTS : readMappingAmounts(before);
  const a = after === null ? ZERO_AMOUNTS : readMappingAmounts(after);
  const deltaKb = subtractAmounts(a, b);
  let change: MappingChange;
  if (before === null) change = 'new';
  else if (after === null) change = 'gone';
  else {
    const first = [deltaKb.sizeKb, deltaKb.rssKb, deltaKb.pssKb, deltaKb.swapKb, deltaKb.privateDirtyKb].find((d) => d !== 0);
    change = first === undefined ? 'unchanged' : first > 0 ? 'grown' : 'shrunk';
  }
  return { change, before, after, deltaKb };
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
