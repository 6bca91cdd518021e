// Groups a process's mappings by what backs them, as pmap(1) -X sums per file: all mappings of one
// path add up to one row; pathless mappings add up per kind. Source of truth: the Mapping list
// (shared/proc/maps.ts, smaps.ts) and procps pmap's per-file totals.

import { mappingSizeKb } from '../units.js';
import { addSmapsAmounts } from './smaps-fields.js';
import type { Mapping, MappingKind } from './types.js';
import { WeakMemo } from '../weak-memo.js';

/** One backing file (or one kind of anonymous memory) with its mappings' totals. */
export interface MappingGroup {
  /** The path as printed ("/usr/lib/x86_64-linux-gnu/libc.so.6", "[heap]", "[anon:foo]"), or "[kind]" for pathless mappings ("[anon]", "[guard]", "[bss]", "[shm]"). */
  key: string;
  /** The group's kind: the first mapping's, except that a group holding the executable's code is 'text'. */
  kind: MappingKind;
  /** Number of mappings (VMAs) in the group. */
  mappingCount: number;
  /** Sum of the mappings' sizes (end − start), kB. */
  sizeKb: number;
  /**
   * Sum of every additive numeric smaps field over the group's mappings ("Rss", "Pss", "Swap", …
   * and unknown future numeric fields), in the kernel's unit, by addSmapsAmounts (smaps-fields.ts).
   * Empty when read from maps only.
   */
  smapsSums: Record<string, number>;
}

/**
 * The name of a mapping everywhere memscope shows one: its path or pseudo-name ("[heap]"), or
 * "[kind]" for a pathless mapping ("[anon]", "[guard]", "[bss]", "[shm]"), the MappingKind words.
 */
export function mappingName(m: Pick<Mapping, 'path' | 'kind'>): string {
  return m.path === '' ? `[${m.kind}]` : m.path;
}

/** A new group of key, empty: addToGroup then adds its mappings in address order. */
function startGroup(key: string, first: Mapping): MappingGroup {
  return { key, kind: first.kind, mappingCount: 0, sizeKb: 0, smapsSums: {} };
}

/** Adds one mapping to its group (the mappings of a group come in address order, the first made the group). */
function addToGroup(group: MappingGroup, m: Mapping): void {
  if (m.kind === 'text') group.kind = 'text';
  group.mappingCount++;
  group.sizeKb += mappingSizeKb(m.start, m.end);
  if (m.smaps !== undefined) addSmapsAmounts(group.smapsSums, m.smaps);
}

/**
 * Groups mappings by backing file, in order of first appearance (address order). A library's
 * r--p, r-xp, r--p, rw-p (and ---p gap) mappings make one group; the anonymous mapping after a
 * library stays in "[anon]", as pmap does not attribute it. The executable's text and data make one
 * group keyed by its path; its bss is "[bss]".
 */
export function groupByBackingFile(mappings: readonly Mapping[]): MappingGroup[] {
  const groups = new Map<string, MappingGroup>();
  for (const m of mappings) {
    const key = mappingName(m);
    let group = groups.get(key);
    if (group === undefined) {
      group = startGroup(key, m);
      groups.set(key, group);
    }
    addToGroup(group, m);
  }
  return [...groups.values()];
}

/** Each chunk's mappings by group key (mappingName), in address order, computed once per chunk array. */
const CHUNK_INDEXES = new WeakMemo<readonly Mapping[], ReadonlyMap<string, readonly Mapping[]>>((chunk) => {
  const lists = new Map<string, Mapping[]>();
  for (const m of chunk) {
    const key = mappingName(m);
    const list = lists.get(key);
    if (list === undefined) lists.set(key, [m]);
    else list.push(m);
  }
  const [only] = lists.keys();
  return lists.size === 1 && only !== undefined ? new Map([[only, chunk]]) : lists;
});

/**
 * The mappings of `chunk` by group key (mappingName), keys in order of first appearance, computed once per chunk
 * array: a re-read that keeps a chunk's array (use-mappings) indexes only the chunks that changed. A chunk whose
 * mappings all have one key (most: a run of anonymous pages, one library's segments) lists the chunk array itself,
 * not a copy of it: the index of a 20,000-mapping page then holds no second pointer to each mapping.
 */
export function indexChunkByName(chunk: readonly Mapping[]): ReadonlyMap<string, readonly Mapping[]> {
  return CHUNK_INDEXES.get(chunk);
}

/**
 * groupByBackingFile of the chunks' mappings (address order, chunk after chunk), given the groups of a report held
 * before and its chunks: a group none of whose mappings is in a chunk that came or went is the held object itself,
 * and only the groups of the changed chunks are summed again (a re-read of a Chromium: a few of its ~830 mappings,
 * not all of them). A group summed again and equal field for field to the held one is the held object too.
 */
export function groupChunks(chunks: readonly (readonly Mapping[])[], held?: { chunks: readonly (readonly Mapping[])[]; groups: readonly MappingGroup[] }): MappingGroup[] {
  const heldByKey = new Map(held?.groups.map((g) => [g.key, g]));
  // The keys of the chunks that came and went: their groups' sums may differ from the held ones.
  const changed = new Set<string>();
  const kept = new Set(chunks);
  const heldSet = new Set(held?.chunks);
  for (const chunk of chunks) if (!heldSet.has(chunk)) for (const key of indexChunkByName(chunk).keys()) changed.add(key);
  for (const chunk of held?.chunks ?? []) if (!kept.has(chunk)) for (const key of indexChunkByName(chunk).keys()) changed.add(key);
  const groups = new Map<string, MappingGroup>();
  for (const chunk of chunks) {
    for (const [key, list] of indexChunkByName(chunk)) {
      const heldGroup = changed.has(key) ? undefined : heldByKey.get(key);
      let group = groups.get(key);
      if (group === undefined) {
        group = heldGroup ?? startGroup(key, list[0] as Mapping);
        groups.set(key, group);
      }
      if (heldGroup === undefined) for (const m of list) addToGroup(group, m);
    }
  }
  return keepEqualGroups(held?.groups, [...groups.values()]);
}

/** Each fresh group, or the held one of its key when they hold the same numbers (a table row of it then skips re-rendering). */
export function keepEqualGroups(held: readonly MappingGroup[] | undefined, fresh: MappingGroup[]): MappingGroup[] {
  if (held === undefined) return fresh;
  const heldByKey = new Map(held.map((g) => [g.key, g]));
  return fresh.map((g) => {
    const h = heldByKey.get(g.key);
    return h !== undefined && h !== g && isSameGroup(h, g) ? h : g;
  });
}

/** Whether two groups hold the same numbers (smaps sums in the same order, as the same mappings add them up). */
function isSameGroup(a: MappingGroup, b: MappingGroup): boolean {
  if (a.kind !== b.kind || a.mappingCount !== b.mappingCount || a.sizeKb !== b.sizeKb) return false;
  const aKeys = Object.keys(a.smapsSums);
  if (aKeys.length !== Object.keys(b.smapsSums).length) return false;
  return aKeys.every((k) => a.smapsSums[k] === b.smapsSums[k]);
}
