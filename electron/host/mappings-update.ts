// getMappingsIfChanged: a MappingsReport cut into chunks of mappings, each named by a hash of its JSON, so a page
// polling a big process gets again only the chunks that changed since the report it holds (shared/api.ts MappingsUpdate).
import { createHash } from 'node:crypto';
import { GROUPED_BY_CALLER_MAX_MAPPINGS, MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER, TARGET_MAPPINGS_CHUNKS, type MappingsReport, type MappingsUpdate } from '../../shared/api.js';
import { ApiError } from '../../shared/errors.js';
import { diffMappingChunk, type MappingPatch } from '../../shared/proc/mapping-patch.js';
import type { Mapping } from '../../shared/proc/types.js';

/** Hex digits kept of each chunk's SHA-1: 64 bits, so two different chunks never look equal in practice. */
const CHUNK_HASH_DIGITS = 16;
/** A chunk cut by content ends by this many times its mean size at most (a run of addresses the cut rule skips). */
const MAX_CHUNK_FACTOR = 4;

/** The 64-bit hash naming a chunk: the JSON the transport sends, so equal hashes mean equal mappings field for field. */
function hashChunk(chunk: readonly Mapping[]): string {
  return createHash('sha1').update(JSON.stringify(chunk)).digest('hex').slice(0, CHUNK_HASH_DIGITS);
}

/** FNV-1a of a start address's hex: where content-cut chunks end, whatever the mappings before it. */
function hashStart(startHex: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < startHex.length; i++) h = Math.imul(h ^ startHex.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The mappings cut after each mapping whose start address hashes to 0 modulo meanMappings (or at MAX_CHUNK_FACTOR
 * times that): a mapping that appears or goes changes its own chunk only, where cuts every N mappings would shift
 * every chunk after it (a live Chromium maps and unmaps between two reads).
 */
function cutByContent(mappings: readonly Mapping[], meanMappings: number): Mapping[][] {
  const chunks: Mapping[][] = [];
  let from = 0;
  for (let i = 0; i < mappings.length; i++) {
    const last = i === mappings.length - 1 || i + 1 - from >= meanMappings * MAX_CHUNK_FACTOR || hashStart((mappings[i] as Mapping).start) % meanMappings === 0;
    if (!last) continue;
    chunks.push(mappings.slice(from, i + 1));
    from = i + 1;
  }
  return chunks;
}

/**
 * A report the host answered with: its fingerprint, its mappings by start (what a later patch is made against) and
 * its chunks in fingerprint order (what getMappingChunks sends of it).
 */
export interface SentMappings {
  fingerprint: string;
  byStart: ReadonlyMap<string, Mapping>;
  listChunks: () => readonly Mapping[][];
}

/** What buildMappingsUpdate answered with chunkMappings (its held state for the next re-read of the same pid). */
export function rememberSentMappings(report: MappingsReport, update: MappingsUpdate): SentMappings {
  let chunks: Mapping[][] | undefined;
  // The same cut again (it follows from the mappings and the mean alone), made when getMappingChunks first asks:
  // a re-read, which never asks, does not pay for it.
  const listChunks = () => (chunks ??= cutByContent(report.mappings, update.chunkMappings ?? MAPPINGS_CHUNK_SIZE));
  return { fingerprint: update.fingerprint, byStart: new Map(report.mappings.map((m) => [m.start, m])), listChunks };
}

/**
 * The chunks of `sent` at `indexes`, in that order, as many as fit in MAPPINGS_PER_ANSWER mappings (the first one
 * always): the caller asks the rest again. bad-arg when an index is not one of its chunks.
 */
export function pickSentChunks(sent: SentMappings, indexes: readonly number[]): Mapping[][] {
  const chunks = sent.listChunks();
  const picked: Mapping[][] = [];
  let mappings = 0;
  for (const index of indexes) {
    const chunk = chunks[index];
    if (chunk === undefined) throw new ApiError('bad-arg', `getMappingChunks: no chunk ${index} (the report has ${chunks.length})`);
    if (picked.length > 0 && mappings + chunk.length > MAPPINGS_PER_ANSWER) break;
    picked.push(chunk);
    mappings += chunk.length;
  }
  return picked;
}

/**
 * The update of `report` for a caller holding the report `sinceFingerprint` names (null: none). Without
 * chunkMappings (callers older than it): chunks of MAPPINGS_CHUNK_SIZE, each null when it equals the held chunk at
 * its index. With it: chunks cut by content, chunkMappings long on average (longer when that makes more than
 * TARGET_MAPPINGS_CHUNKS), each null when the held report has a chunk of the same hash anywhere; when `sent` is
 * that held report, a changed chunk whose mappings all stay and only smaps values move crosses as a patch of those.
 * With maxMappings too: chunks are sent whole while they add up to that many mappings (the first one always); the
 * others to send are null and listed in deferredChunks, for getMappingChunks.
 */
export function buildMappingsUpdate(report: MappingsReport, sinceFingerprint: string | null, chunkMappings?: number, sent?: SentMappings, maxMappings?: number): MappingsUpdate {
  const { mappings, ...rest } = report;
  const held = sinceFingerprint === null || sinceFingerprint === '' ? [] : sinceFingerprint.split('.');
  const hashes: string[] = [];
  const mappingChunks: (Mapping[] | null)[] = [];
  if (chunkMappings === undefined) {
    for (let from = 0; from < mappings.length; from += MAPPINGS_CHUNK_SIZE) {
      const chunk = mappings.slice(from, from + MAPPINGS_CHUNK_SIZE);
      const hash = hashChunk(chunk);
      mappingChunks.push(held[hashes.length] === hash ? null : chunk);
      hashes.push(hash);
    }
    return { fingerprint: hashes.join('.'), report: rest, mappingChunks };
  }
  // A small report's caller groups the mappings itself (groupByBackingFile, as the report's groups were made).
  const { groups, ...ungrouped } = rest;
  const sentRest = mappings.length <= GROUPED_BY_CALLER_MAX_MAPPINGS ? ungrouped : { ...ungrouped, groups };
  const heldSet = new Set(held);
  // A power of 2: the same size read after read while the count stays within a factor of 2.
  const fitted = 2 ** Math.ceil(Math.log2(Math.max(1, mappings.length / TARGET_MAPPINGS_CHUNKS)));
  const meanMappings = Math.max(chunkMappings, Math.min(MAPPINGS_CHUNK_SIZE, fitted));
  const base = sent !== undefined && sent.fingerprint === sinceFingerprint ? sent.byStart : undefined;
  const mappingPatches: (MappingPatch | null)[] = [];
  const deferredChunks: [number, number][] = [];
  let sentMappings = 0;
  for (const chunk of cutByContent(mappings, meanMappings)) {
    const hash = hashChunk(chunk);
    const patch = base === undefined || heldSet.has(hash) ? null : diffMappingChunk(chunk, (start) => base.get(start));
    const whole = !heldSet.has(hash) && patch === null;
    // Past the budget a whole chunk waits for getMappingChunks: the caller parses each answer in a task of its own.
    const deferred = whole && maxMappings !== undefined && sentMappings > 0 && (deferredChunks.length > 0 || sentMappings + chunk.length > maxMappings);
    if (deferred) deferredChunks.push([hashes.length, chunk.length]);
    else if (whole) sentMappings += chunk.length;
    mappingChunks.push(whole && !deferred ? chunk : null);
    mappingPatches.push(patch);
    hashes.push(hash);
  }
  const patched = mappingPatches.some((p) => p !== null);
  return {
    fingerprint: hashes.join('.'),
    report: sentRest,
    chunkMappings: meanMappings,
    mappingChunks,
    ...(patched ? { mappingPatches } : {}),
    ...(deferredChunks.length > 0 ? { deferredChunks } : {}),
  };
}
