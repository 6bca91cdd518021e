// Turns the lab's settings into a trace and one replay session per allocator (shared/sim/lab), checking the
// tunables first; results are cached by settings so returning to the lab or toggling back costs nothing.
import { generateWorkload } from '../../shared/sim/malloc/workloads.js';
import { parseGlibcTunables, type MallocParams, type TunableNote } from '../../shared/sim/malloc/glibc/params.js';
import { createGlibcReplayModel, type GlibcReplay } from '../../shared/sim/malloc/glibc/replay.js';
import { MallocEvent } from '../../shared/sim/malloc/events.js';
import { parseTcmallocEnv } from '../../shared/sim/malloc/tcmalloc/params.js';
import { createTcmallocReplayModel, type TcmallocReplay } from '../../shared/sim/malloc/tcmalloc/replay.js';
import { TcmallocEvent } from '../../shared/sim/malloc/tcmalloc/events.js';
import { createMallocLabSession, type MallocLabSession } from '../../shared/sim/lab/malloc-session.js';
import type { MallocReplayModel, ReplayProgress } from '../../shared/sim/malloc/replay-model.js';
import { parseTrace, type Trace } from '../../shared/sim/trace.js';
import type { LabLiveStart, LabSource } from '../state/allocator-lab-store.js';
import { createLiveGlibcReplayModel } from './live-glibc-model.js';
import { createGlibcThreadedReplayModel, type GlibcThreadedReplay } from '../../shared/sim/malloc/glibc/replay-threads.js';
import { MALLOC_VARIANTS, runMallocVariant, type VariantOutcome } from '../../shared/sim/lab/malloc-variants.js';
import { type MeasuredFootprint, parseMeasuredFootprint } from '../../shared/sim/malloc/measured-footprint.js';
import { setNewest } from '../../shared/recent-map.js';

/** One allocator's replay, or why there is none. */
export type LabSide<R extends ReplayProgress> = { ok: true; session: MallocLabSession<R>; warnings: string[] } | { ok: false; error: string };

/** A built lab: the trace and both allocators' sessions (a memscope-trace 2 gets the threaded glibc model and the what-if table). */
export type LabBuild =
  | { ok: true; trace: Trace; label: string; glibc: LabSide<GlibcReplay>; tcmalloc: LabSide<TcmallocReplay>; threads: LabSide<GlibcThreadedReplay> | null; whatIf: VariantOutcome[] | null; measured: MeasuredFootprint | null }
  | { ok: false; error: string };

/** Kinds of events the glibc timeline shows (brk, mmap and the dynamic threshold). */
export const GLIBC_TIMELINE_EVENTS: ReadonlySet<number> = new Set([
  MallocEvent.brkGrow,
  MallocEvent.brkTrim,
  MallocEvent.mmap,
  MallocEvent.munmap,
  MallocEvent.mremap,
  MallocEvent.thresholdRaised,
]);

/** Kinds of events the TCMalloc timeline shows (sbrk growth, release to the OS, recommit). */
export const TCMALLOC_TIMELINE_EVENTS: ReadonlySet<number> = new Set([TcmallocEvent.pageHeapGrow, TcmallocEvent.pageHeapRelease, TcmallocEvent.commit]);

/** TCMalloc events kept for hovering spans (which op made a span), beside the timeline's. */
const TCMALLOC_KEPT_EVENTS: ReadonlySet<number> = new Set([...TCMALLOC_TIMELINE_EVENTS, TcmallocEvent.spanAlloc, TcmallocEvent.largeAlloc]);

/** _dl_strtoul's number forms: decimal, 0x hex or 0-prefixed octal, optional sign and blanks. */
const DL_NUMBER = /^[ \t]*[+-]?(0[xX][0-9a-fA-F]+|[0-9]+)$/;

/** Checks a GLIBC_TUNABLES string; returns the parse (as glibc would apply it) and problems. */
export function checkGlibcTunables(text: string): { error: string | null; warnings: string[]; notes: TunableNote[] } {
  const trimmed = text.trim();
  const warnings: string[] = [];
  for (const item of trimmed.split(':')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq < 0) return { error: `'${item}' has no '=': glibc stops reading GLIBC_TUNABLES there (write name=value)`, warnings, notes: [] };
    const value = item.slice(eq + 1);
    if (!DL_NUMBER.test(value)) return { error: `${item.slice(0, eq)}: '${value}' is not a number (glibc would read it as ${value === '' ? 0 : 'a prefix of it'})`, warnings, notes: [] };
  }
  const { notes } = parseGlibcTunables(trimmed);
  for (const n of notes) {
    if (n.outcome === 'unknown') warnings.push(`${n.name}: not a malloc tunable glibc 2.36 knows (ignored, as glibc does)`);
    if (n.outcome === 'rejected') warnings.push(`${n.name}=${n.value}: out of range (ignored, as glibc does)`);
    if (n.outcome === 'not-modelled') warnings.push(`${n.name}: not modelled (ignored here)`);
  }
  return { error: null, warnings, notes };
}

function loadTrace(source: LabSource): { trace: Trace; label: string } {
  if (source.kind === 'workload') {
    return { trace: generateWorkload(source.name, { seed: source.seed, opCount: source.opCount }), label: `workload ${source.name} (seed ${source.seed})` };
  }
  return { trace: parseTrace(source.text), label: source.fileName };
}

function sourceKey(source: LabSource): string {
  return source.kind === 'workload' ? `w:${source.name}:${source.opCount}:${source.seed}` : `f:${source.fileName}:${source.text.length}:${source.text}`;
}

/**
 * A glibc model (one thread, or threads and arenas) replaying trace under the tunables checkGlibcTunables passed,
 * or why not: the tunables' error, or the model's failure.
 */
function replayGlibc<R extends ReplayProgress>(
  checked: { error: string | null; warnings: string[] },
  glibcTunables: string,
  createModel: (params: MallocParams) => MallocReplayModel<R>,
  trace: Trace,
  nowMs: () => number,
): LabSide<R> {
  if (checked.error !== null) return { ok: false, error: checked.error };
  try {
    const params = parseGlibcTunables(glibcTunables.trim()).params;
    const session = createMallocLabSession(createModel(params), trace, { nowMs, keepEvent: (k) => GLIBC_TIMELINE_EVENTS.has(k) });
    return { ok: true, session, warnings: checked.warnings };
  } catch (err) {
    return { ok: false, error: `the glibc model failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

const cache = new Map<string, LabBuild>();
const CACHE_SIZE = 3;

/**
 * Builds (or returns the cached) lab for these settings. Replays both allocators over the whole trace; with a live
 * start, glibc's replay begins from that heap with the process's own parameters (GLIBC_TUNABLES typed here do not apply).
 */
export function buildLab(source: LabSource, glibcTunables: string, tcmallocEnv: string, liveStart: LabLiveStart | null = null): LabBuild {
  const key = `${sourceKey(source)}\u0000${glibcTunables}\u0000${tcmallocEnv}\u0000${liveStart?.id ?? ''}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const nowMs = () => performance.now();
  let build: LabBuild;
  let loaded: { trace: Trace; label: string };
  try {
    loaded = loadTrace(source);
  } catch (err) {
    build = { ok: false, error: err instanceof Error ? err.message : String(err) };
    cache.set(key, build);
    return build;
  }
  const { trace, label } = loaded;
  if (trace.length === 0) {
    build = { ok: false, error: `${label}: no ops (a trace needs at least one a, f or r line)` };
  } else {
    const checked = checkGlibcTunables(glibcTunables);
    let glibc: LabSide<GlibcReplay>;
    if (trace.version === 2 && liveStart === null) {
      glibc = { ok: false, error: 'a memscope-trace 2 runs through the threaded glibc model (below)' };
    } else if (liveStart !== null) {
      try {
        const session = createMallocLabSession(createLiveGlibcReplayModel(trace, liveStart.heap), trace, { nowMs, keepEvent: (k) => GLIBC_TIMELINE_EVENTS.has(k) });
        const ignored = glibcTunables.trim() === '' ? [] : [`GLIBC_TUNABLES ${glibcTunables.trim()} not applied: the live heap keeps pid ${liveStart.pid}'s own parameters`];
        glibc = { ok: true, session, warnings: ignored };
      } catch (err) {
        glibc = { ok: false, error: `the glibc model failed on pid ${liveStart.pid}'s heap: ${err instanceof Error ? err.message : String(err)}` };
      }
    } else {
      glibc = replayGlibc(checked, glibcTunables, (params) => createGlibcReplayModel(trace, params), trace, nowMs);
    }
    // A memscope-trace 2 runs through the glibc model with threads and arenas; the single-thread panel stays for v1.
    let threads: LabSide<GlibcThreadedReplay> | null = null;
    let whatIf: VariantOutcome[] | null = null;
    if (trace.version === 2 && liveStart === null) {
      threads = replayGlibc(checked, glibcTunables, (params) => createGlibcThreadedReplayModel(trace, params), trace, nowMs);
      whatIf = MALLOC_VARIANTS.map((v) => runMallocVariant(trace, v));
    }
    let tcmalloc: LabSide<TcmallocReplay>;
    try {
      const { params } = parseTcmallocEnv(tcmallocEnv);
      const session = createMallocLabSession(createTcmallocReplayModel(trace, params), trace, { nowMs, keepEvent: (k) => TCMALLOC_KEPT_EVENTS.has(k) });
      tcmalloc = { ok: true, session, warnings: [] };
    } catch (err) {
      tcmalloc = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    // A recording carries the footprint its real run reached (memscope record's closing `# footprint` line).
    const measured = source.kind === 'file' && trace.version === 2 ? parseMeasuredFootprint(source.text) : null;
    build = { ok: true, trace, label, glibc, tcmalloc, threads, whatIf, measured };
  }
  setNewest(cache, key, build, CACHE_SIZE);
  return build;
}
