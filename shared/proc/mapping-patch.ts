// A changed chunk of mappings said as the smaps fields that moved (getMappingsIfChanged's mappingPatches): between two
// reads of a live process the mappings stay and a few numbers move (a library's Pss whenever another process maps
// it), so a re-read of a Chromium carries ~20 KB of numbers, not ~320 KB of whole mappings. Source: shared/api.ts.
import type { Mapping, SmapsFields } from './types.js';

/** A chunk's mappings in address order, each its start and the smaps fields whose values differ from the held one's. */
export type MappingPatch = [start: string, changed: SmapsFields][];

/** Whether a and b are the same mapping but for its smaps values: fields, smaps keys (same order) all equal. */
function isSameShape(a: Mapping, b: Mapping): boolean {
  const aKeys = a.smaps === undefined ? null : Object.keys(a.smaps).join(' ');
  const bKeys = b.smaps === undefined ? null : Object.keys(b.smaps).join(' ');
  return aKeys === bKeys && JSON.stringify({ ...a, smaps: undefined }) === JSON.stringify({ ...b, smaps: undefined });
}

/**
 * `chunk` as a patch of the held mappings (found by start), or null when one of them is new or differs in more than
 * its smaps values (then the chunk crosses whole). applyMappingPatch(patch, find) then equals chunk, field for field.
 */
export function diffMappingChunk(chunk: readonly Mapping[], findHeld: (startHex: string) => Mapping | undefined): MappingPatch | null {
  const patch: MappingPatch = [];
  for (const m of chunk) {
    const held = findHeld(m.start);
    if (held === undefined || !isSameShape(held, m)) return null;
    const changed: SmapsFields = {};
    for (const [key, value] of Object.entries(m.smaps ?? {})) {
      const was = held.smaps?.[key];
      if (value !== was && JSON.stringify(value) !== JSON.stringify(was)) changed[key] = value;
    }
    patch.push([m.start, changed]);
  }
  return patch;
}

/**
 * The chunk a patch says, from the held mappings: a mapping with no changed field is the held object itself (its
 * table row then skips re-rendering), or null when a start is not held (the caller then reads the report whole).
 */
export function applyMappingPatch(patch: MappingPatch, findHeld: (startHex: string) => Mapping | undefined): Mapping[] | null {
  const chunk: Mapping[] = [];
  for (const [start, changed] of patch) {
    const held = findHeld(start);
    if (held === undefined) return null;
    chunk.push(Object.keys(changed).length === 0 ? held : { ...held, smaps: { ...held.smaps, ...changed } });
  }
  return chunk;
}
