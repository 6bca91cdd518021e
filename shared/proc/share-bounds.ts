// One string for the address two neighbouring mappings share. maps prints a mapping's end and the next one's start
// as two strings when they touch (a library's segments, a guard page and its stack, every page of a process that
// mprotects pages one by one), and JSON.parse makes each its own object: on a page showing 20,000 mappings, 40,000
// strings that V8's full GC marks and moves, half of them copies of the other half. Equal values, so no reader sees
// a difference, only fewer objects survive.
import type { Mapping } from './types.js';

/**
 * Makes each mapping of a fresh chunk that starts where the mapping before it ends hold that mapping's end string
 * (or the mapping before it, when it is the fresh one, hold this one's start), across chunk boundaries too. Only
 * mappings of chunks `isFresh` names are written: a chunk kept from a report held before is not touched, and a
 * re-read compares only around the chunks that came (plus the last and first mapping of every chunk).
 */
export function shareAdjacentBounds(chunks: readonly (readonly Mapping[])[], isFresh: (chunk: readonly Mapping[]) => boolean): void {
  let prev: Mapping | undefined;
  let prevFresh = false;
  for (const chunk of chunks) {
    const fresh = isFresh(chunk);
    if (!fresh) {
      const first = chunk[0];
      if (prevFresh && prev !== undefined && first !== undefined && prev.end === first.start) prev.end = first.start;
      prev = chunk[chunk.length - 1] ?? prev;
      prevFresh = false;
      continue;
    }
    for (const m of chunk) {
      // === compares the characters: equal, the one string object is stored where the other was.
      if (prev !== undefined && prev.end === m.start) m.start = prev.end;
      prev = m;
    }
    prevFresh = true;
  }
}
