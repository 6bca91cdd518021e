// The RSS explainer: every byte of the heap mappings ([heap] and the thread arenas' heaps) is live allocation,
// allocator metadata and headers, a free chunk (by the list it is on) or top; pagemap residency per page turns that
// into Rss and Private_Dirty parts that add up to smaps' exactly, and the bytes never touched are counted apart.
import { formatBytes } from '../units.js';
import { CHUNK_KINDS, TOP_KIND_CODE, type ArenaDetail } from './inspect.js';
import type { FreeKind } from './free-chunks.js';
import type { HeapMapping, PageResidency } from './residency.js';
import type { ExplainPart, HeapExplain, TrimPrediction } from './report.js';

function emptyPart(): ExplainPart {
  return { rss_bytes: 0, private_dirty_bytes: 0 };
}

/** Splits the heap mappings' resident bytes by what lies in them. */
export function explainHeap(details: readonly ArenaDetail[], mappings: readonly HeapMapping[], residency: PageResidency, trim: TrimPrediction, processRssBytes: number): HeapExplain {
  const free = { tcache: emptyPart(), fastbins: emptyPart(), unsorted: emptyPart(), smallbins: emptyPart(), largebins: emptyPart() };
  const live = emptyPart();
  const metadata = emptyPart();
  const top = emptyPart();
  // Inside [denseFrom, denseTo) (a run of resident private pages) a range counts whole: no page arithmetic per chunk.
  let denseFrom = 0;
  let denseTo = 0;
  const add = (part: ExplainPart, start: number, end: number) => {
    if (start < denseFrom || end > denseTo) {
      denseFrom = start;
      denseTo = residency.denseEnd(start);
    }
    if (end <= denseTo) {
      part.rss_bytes += end - start;
      part.private_dirty_bytes += end - start;
      return;
    }
    part.rss_bytes += residency.residentBytes(start, end, 'rss');
    part.private_dirty_bytes += residency.residentBytes(start, end, 'private');
  };
  // Each mapping is covered from its start with a cursor: gaps before a heap's first chunk are metadata, the tail after top is top.
  const cursorOf = new Map<HeapMapping, number>();
  const withTop = new Set<HeapMapping>();
  const mappingOf = (address: number) => mappings.find((m) => address >= m.start && address < m.end);
  for (const arena of details) {
    const tcacheChunk = arena.tcache === null ? -1 : arena.tcache.address - 16;
    let m: HeapMapping | undefined;
    let cursor = 0; // m's, kept in cursorOf while another mapping is walked
    for (let i = 0; i < arena.chunkAddresses.length; i++) {
      const c = arena.chunkAddresses[i] ?? 0;
      const size = arena.chunkSizes[i] ?? 0;
      const kind = arena.chunkKinds[i] ?? 0;
      if (m === undefined || c < m.start || c >= m.end) {
        if (m !== undefined) cursorOf.set(m, cursor);
        m = mappingOf(c);
        cursor = m === undefined ? 0 : (cursorOf.get(m) ?? m.start);
      }
      if (m === undefined) continue;
      if (c > cursor) add(metadata, cursor, c); // heap_info, malloc_state, alignment, a fencepost's terminator
      const end = Math.min(c + size, m.end);
      if (kind === TOP_KIND_CODE) {
        add(top, c, end);
        withTop.add(m);
      } else if (kind === 0) {
        if (c === tcacheChunk) add(metadata, c, end);
        else {
          add(metadata, c, Math.min(c + 16, end));
          add(live, c + 16, end);
        }
      } else {
        add(free[CHUNK_KINDS[kind] as FreeKind], c, end);
      }
      cursor = end;
    }
    if (m !== undefined) cursorOf.set(m, cursor);
  }
  for (const m of mappings) {
    const cursor = cursorOf.get(m) ?? m.start;
    // After top: a thread heap's read-write tail (or a foreign sbrk); after an older heap's fencepost: metadata.
    if (cursor < m.end) add(withTop.has(m) ? top : metadata, cursor, m.end);
  }
  const rss = mappings.reduce((sum, m) => sum + m.rssBytes, 0);
  const explain: HeapExplain = {
    mappings: mappings.map((m) => ({ name: m.name, start: m.start.toString(16), end: m.end.toString(16), size_bytes: m.end - m.start, rss_bytes: m.rssBytes, private_dirty_bytes: m.privateDirtyBytes })),
    rss_bytes: rss,
    private_dirty_bytes: mappings.reduce((sum, m) => sum + m.privateDirtyBytes, 0),
    live,
    metadata,
    free,
    top,
    never_touched_bytes: mappings.reduce((sum, m) => sum + m.end - m.start, 0) - rss,
    process_rss_bytes: processRssBytes,
    verdict: '',
  };
  explain.verdict = writeVerdict(explain, trim);
  return explain;
}

/** "412 MiB of this process's 1.1 GiB RSS is free memory glibc keeps: …; malloc_trim(0) would return 351 MiB now". */
function writeVerdict(e: HeapExplain, trim: TrimPrediction): string {
  const freeBytes = Object.values(e.free).reduce((sum, p) => sum + p.rss_bytes, 0);
  const kept = freeBytes + e.top.rss_bytes;
  const lower = trim.skipped_arenas.length > 0 ? ' at least' : '';
  return (
    `${formatBytes(kept)} of this process's ${formatBytes(e.process_rss_bytes)} RSS is free memory glibc keeps: ` +
    `${formatBytes(freeBytes)} in free chunks between live ones (fragmentation), ${formatBytes(e.top.rss_bytes)} at the top; ` +
    `malloc_trim(0) would return${lower} ${formatBytes(trim.releasable_bytes)} now`
  );
}
