// Groups a process's mappings by what backs them, as pmap(1) -X sums per file: all mappings of one
// path add up to one row; pathless mappings add up per kind. Source of truth: the Mapping list
// (shared/proc/maps.ts, smaps.ts) and procps pmap's per-file totals.

import { mappingSizeKb } from '../units.js';
import { addSmapsAmounts } from './smaps-fields.js';
import type { Mapping, MappingKind } from './types.js';

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
      group = { key, kind: m.kind, mappingCount: 0, sizeKb: 0, smapsSums: {} };
      groups.set(key, group);
    } else if (m.kind === 'text') {
      group.kind = 'text';
    }
    group.mappingCount++;
    group.sizeKb += mappingSizeKb(m.start, m.end);
    if (m.smaps !== undefined) addSmapsAmounts(group.smapsSums, m.smaps);
  }
  return [...groups.values()];
}
