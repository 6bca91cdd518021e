// One process's MappingsReport (getMappings: maps + smaps + smaps_rollup), read on demand or
// polled while visible. smaps walks page tables under the target's mm lock, so it is never per tick. A re-read
// sends the fingerprint of the report held (getMappingsIfChanged): an unchanged report does not cross again and
// the one held is kept, same object, and no state changes at all (the view does not render): onRead hears the time.
import { useRef } from 'react';
import type { MappingsReport, MappingsUpdate } from '../../shared/api.js';
import { isApiError } from '../../shared/errors.js';
import { groupChunks, keepEqualGroups } from '../../shared/proc/group.js';
import { applyMappingPatch } from '../../shared/proc/mapping-patch.js';
import { shareAdjacentBounds } from '../../shared/proc/share-bounds.js';
import { keepPool, SmapsPool } from '../../shared/proc/smaps-pool.js';
import type { Mapping } from '../../shared/proc/types.js';
import { getBridge } from '../api/client.js';
import { readMappingsUpdate } from './read-mappings-update.js';
import type { UiError } from '../ui-error.js';
import { usePolled } from './use-polled.js';
import { setNewest } from '../../shared/recent-map.js';
import { subscribeTicks } from '../state/samples-store.js';
import { whenIdle } from '../when-idle.js';

/**
 * The longest a polled re-read's answer waits for the next tick: at serve's default period (1 s) a tick comes first,
 * even one taken late on a loaded machine; with ticks 2 s apart or more, or none, it renders on its own within a tick.
 */
const HOLD_FOR_TICK_MS = 2000;

/**
 * How long after a tick a polled re-read is sent: past the tick's commit and frame (a few ms; a timer of 0 could run
 * before the frame and delay it by the request's ~1.5 ms).
 */
const SEND_AFTER_TICK_MS = 100;
/** The longest a polled re-read waits for a tick to be sent after: ticks 2 s apart (serve -d 2) always come first. */
const SEND_WAIT_MS = 3000;

/**
 * Applies a polled re-read's answer with the next tick: the tick's listeners run before the page's store readers, in
 * the same task, so React renders both in one commit and the browser lays out and paints one frame for both (a frame
 * of its own cost 4-5 ms on a page of 20,000 mappings). Returns what drops it unapplied.
 */
function holdForNextTick(apply: () => void, waitMs = HOLD_FOR_TICK_MS): () => void {
  const done = () => {
    drop();
    apply();
  };
  const unsubscribe = subscribeTicks(done);
  const timer = window.setTimeout(done, waitMs);
  const drop = () => {
    unsubscribe();
    window.clearTimeout(timer);
  };
  return drop;
}

/**
 * Sends a polled re-read SEND_AFTER_TICK_MS after the next tick: its request and answer (parse, chunks put together:
 * ~5 ms on a live Chromium) then take the quiet start of a tick's second, ~0.9 s from the next tick that renders it
 * (holdForNextTick), not the same second as that render whenever the poll instant fell just before a tick (the
 * second's CPU then summed both: 17-23 ms where each alone was ~9 and ~13). Returns what cancels it.
 */
function sendAfterNextTick(start: () => void): () => void {
  let timer: number | undefined;
  const drop = holdForNextTick(() => {
    timer = window.setTimeout(start, SEND_AFTER_TICK_MS);
  }, SEND_WAIT_MS);
  return () => {
    drop();
    window.clearTimeout(timer);
  };
}

/** A report, when it was read, and the last error (the last good report is kept through errors). */
export interface MappingsState {
  report: MappingsReport | null;
  /** Epoch ms of the report. */
  atMs: number | null;
  error: UiError | null;
  loading: boolean;
  /** Reads now. */
  refresh: () => void;
}

/** Last report per pid, so going from the process to a mapping and back shows data at once. */
const cache = new Map<number, { value: MappingsReport; atMs: number }>();
const CACHE_PIDS = 8;
/** Set when the host answered getMappingsIfChanged with bad-arg: an older memscope, asked getMappings from then on. */
let hostLacksIfChanged = false;
/**
 * Of each report read: the host's fingerprint (what getMappingsIfChanged compares with), its chunks by hash and in
 * order, and the pool its mappings' smaps were shared from (equal smaps one object: fewer for the GC to mark and move).
 */
const chunkings = new WeakMap<MappingsReport, { fingerprint: string; chunks: Map<string, Mapping[]>; list: readonly Mapping[][]; pool: SmapsPool }>();

/**
 * Mappings of chunks not derived yet (kind sums, the table's field list) that a view derives at once, in the task that
 * draws it (a re-read's few changed chunks); beyond, a first read of a big process, the rest in idle time (when-idle.ts),
 * not in the task that first draws the table (issue 13).
 */
export const DERIVE_NOW_MAPPINGS = 1000;

/**
 * report.mappings cut as the host sent them (chunks of MIN_MAPPINGS_CHUNK_SIZE, in address order), or one chunk for a
 * report not read here (a snapshot's). An unchanged chunk keeps its array object from one re-read to the next, so what
 * is derived per chunk (kind sums, the table's groups) can be cached on it and a re-read redoes only the changed ones.
 */
export function listMappingChunks(report: MappingsReport): readonly (readonly Mapping[])[] {
  return chunkings.get(report)?.list ?? [report.mappings];
}

function remember(pid: number, value: MappingsReport, atMs: number): void {
  setNewest(cache, pid, { value, atMs }, CACHE_PIDS);
}

/** The mapping of pid starting at startHex in the last report read for pid, if any (shown until getMapping answers). */
export function findCachedMapping(pid: number, startHex: string): { value: Mapping; atMs: number } | null {
  const cached = cache.get(pid);
  const mapping = cached?.value.mappings.find((m) => m.start === startHex);
  return cached === undefined || mapping === undefined ? null : { value: mapping, atMs: cached.atMs };
}

/** Whether two values parsed from JSON are equal, field for field (no strings built: a re-read compares thousands). */
function isSameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  for (const k of aKeys) if (!Object.hasOwn(b, k) || !isSameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/**
 * `held` when it equals `fresh` field for field (the table's rows then skip re-rendering it), else `fresh`, its smaps
 * pooled: a held mapping's are pooled already (hashing them again cost every re-read a pass over the chunk's smaps).
 */
function keepEqual(held: Mapping | undefined, fresh: Mapping, pool: SmapsPool): Mapping {
  if (held !== undefined && isSameJson(held, fresh)) return held;
  pool.shareOne(fresh);
  return fresh;
}

/**
 * The update's chunks of mappings: a null one the held chunk of its hash, or the held mappings its patch names (a
 * mapping without a changed field is the held object); a sent mapping equal to the held one is that object too. Null
 * when a chunk names what the held report lacks.
 */
function assembleChunks(update: MappingsUpdate, held: MappingsReport | undefined, pool: SmapsPool): Mapping[][] | null {
  const heldChunking = held === undefined ? undefined : chunkings.get(held);
  const hashes = update.fingerprint === '' ? [] : update.fingerprint.split('.');
  const findHeld = (start: string) => (held === undefined ? undefined : findByStart(held.mappings, start));
  const list: Mapping[][] = [];
  for (const [i, chunk] of update.mappingChunks.entries()) {
    const patch = update.mappingPatches?.[i] ?? null;
    // A patched mapping is not pooled: its smaps is the held one with a few numbers moved (a library's Pss, read after
    // read on a live Chromium), equal to no other, and its VmFlags list is the held, pooled one.
    const kept = chunk !== null ? chunk.map((m) => keepEqual(findHeld(m.start), m, pool)) : patch !== null ? applyMappingPatch(patch, findHeld) : heldChunking?.chunks.get(hashes[i] ?? '');
    if (kept === undefined || kept === null) return null;
    list.push(kept);
  }
  return list;
}

/**
 * pid's report, its mappings put together from the chunks that changed and the report held: unchanged chunks keep
 * their Mapping objects, and when nothing changed at all the report held itself is returned (same object).
 */
async function readMappings(pid: number): Promise<MappingsReport> {
  if (hostLacksIfChanged) return getBridge().getMappings(pid);
  const held = cache.get(pid)?.value;
  const heldChunking = held === undefined ? undefined : chunkings.get(held);
  let update: MappingsUpdate;
  try {
    // The smallest chunks: a re-read then carries the few mappings whose Rss moved and little around them.
    update = await readMappingsUpdate(pid, heldChunking?.fingerprint ?? null);
  } catch (err) {
    // An older remote memscope has no getMappingsIfChanged or no chunk size (our arguments are valid otherwise).
    if (!isApiError(err) || err.code !== 'bad-arg') throw err;
    hostLacksIfChanged = true;
    return getBridge().getMappings(pid);
  }
  const pool = heldChunking?.pool ?? new SmapsPool();
  let chunkList = assembleChunks(update, held, pool);
  // A null chunk that names none the report held has, nor patches its mappings: read it all.
  if (chunkList === null) {
    update = await readMappingsUpdate(pid, null);
    chunkList = assembleChunks(update, held, pool) ?? [];
  }
  // Groups aside: a host that names chunkMappings leaves them to us, and they follow from the mappings.
  const sameRest = () => JSON.stringify({ ...update.report, groups: undefined }) === JSON.stringify({ ...held, mappings: undefined, groups: undefined });
  if (held !== undefined && update.fingerprint === heldChunking?.fingerprint && sameRest()) return held;
  const hashes = update.fingerprint === '' ? [] : update.fingerprint.split('.');
  // Touching mappings share one string for their common address (half the hex strings a page of 20,000 holds). A first
  // read's, in idle time: comparing 20,000 mappings, interpreted, cost ~5 ms of the task that first draws the table.
  const heldChunks = new Set<readonly Mapping[]>(heldChunking?.list);
  const sent = chunkList;
  if (held === undefined) whenIdle(() => shareAdjacentBounds(sent, () => true));
  else shareAdjacentBounds(sent, (chunk) => !heldChunks.has(chunk));
  // flat(), not a loop over 20,000 mappings: a re-read's first run is interpreted, and flat is the same at every run.
  const mappings = chunkList.flat();
  const chunks = new Map<string, Mapping[]>();
  for (const [i, kept] of chunkList.entries()) chunks.set(hashes[i] ?? '', kept);
  // Grouped here, the groups of the chunks that changed alone are summed again; the others are the held objects.
  const heldGroups = held !== undefined && heldChunking !== undefined ? { chunks: heldChunking.list, groups: held.groups } : undefined;
  const groups = update.report.groups === undefined ? groupChunks(chunkList, heldGroups) : keepEqualGroups(held?.groups, update.report.groups);
  const report: MappingsReport = { ...update.report, groups, mappings };
  chunkings.set(report, { fingerprint: update.fingerprint, chunks, list: chunkList, pool: keepPool(pool, mappings) });
  return report;
}

/**
 * The mapping of `mappings` (address order, as maps lists them) starting at startHex, by bisection: a re-read looks
 * up only the mappings sent (a Map of 20,000 held ones cost 4-7 ms per re-read). maps pads hex to 8 digits and no
 * further, so the shorter string is the lower address. Not found (never, in address order): the row re-renders.
 */
function findByStart(mappings: readonly Mapping[], startHex: string): Mapping | undefined {
  let lo = 0;
  let hi = mappings.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const m = mappings[mid] as Mapping;
    const order = m.start.length - startHex.length || (m.start < startHex ? -1 : m.start > startHex ? 1 : 0);
    if (order === 0) return m;
    if (order < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/**
 * Reads pid's mappings now and, when pollMs is set, again every pollMs while the page is visible and the process is not gone
 * (at the instants whose epoch ms modulo pollMs is phaseMs, when given). `enabled` false asks nothing (a pid no tick has listed yet).
 * A re-read that finds the report unchanged leaves the state as it was (`atMs` too) and calls onRead with its time alone.
 */
export function useMappings(pid: number, pollMs: number | null, enabled = true, phaseMs?: number, onRead?: (atMs: number) => void): MappingsState {
  const onReadRef = useRef(onRead);
  onReadRef.current = onRead;
  const { value, atMs, error, loading, refresh } = usePolled(enabled ? String(pid) : null, () => readMappings(pid), {
    pollMs,
    phaseMs,
    initial: cache.get(pid) ?? null,
    // A re-read every 5 s renders the page once, with the tick after its answer (the toolbar keeps the last "read at" meanwhile).
    quietPolls: true,
    // An unchanged report (the one held, same object) renders nothing: only onRead hears its time.
    quietSame: true,
    // Its answer renders with the next tick: one commit and one frame in that second, not two.
    holdPolled: holdForNextTick,
    // Sent just after a tick, so that the answer comes in that tick's second, not in the one of the render.
    startPolled: sendAfterNextTick,
    onValue: (report, t) => {
      remember(pid, report, t);
      onReadRef.current?.(t);
    },
  });
  return { report: value, atMs, error, loading, refresh };
}
