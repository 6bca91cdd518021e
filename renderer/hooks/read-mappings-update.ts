// One getMappingsIfChanged read as the process page makes it, every chunk sent whole in answers of at most
// MAPPINGS_PER_ANSWER mappings (issue 13): the first read of a 20,000-mapping process is ~10 answers of ~1 MB, the
// ones after the first asked by the report's fingerprint (getMappingChunks), each parsed in a task of its own, where
// one answer of 10 MB was parsed in one 60-80 ms task. An older host, without getMappingChunks, is read in one answer.
import { MAPPINGS_PER_ANSWER, MIN_MAPPINGS_CHUNK_SIZE, type MappingsUpdate } from '../../shared/api.js';
import { ApiError, isApiError } from '../../shared/errors.js';
import { getBridge } from '../api/client.js';

/** Set when the host answered maxMappings with bad-arg: a memscope older than getMappingChunks, asked for every chunk at once. */
let hostLacksChunkPieces = false;
/**
 * Reads that find the report they fetch in pieces replaced (another reader of the pid: a second tab) before one
 * takes every chunk in one answer, as before pieces: the page always ends with a report.
 */
const PIECEWISE_ATTEMPTS = 2;

/** `deferred` ([index, mappings] of each chunk) cut into runs of at most MAPPINGS_PER_ANSWER mappings (one chunk at least). */
function splitPieces(deferred: readonly [number, number][]): [number, number][][] {
  const pieces: [number, number][][] = [];
  let mappings = Infinity;
  for (const entry of deferred) {
    if (mappings + entry[1] > MAPPINGS_PER_ANSWER) {
      pieces.push([]);
      mappings = 0;
    }
    (pieces.at(-1) as [number, number][]).push(entry);
    mappings += entry[1];
  }
  return pieces;
}

/**
 * The update with the chunks it deferred fetched by its fingerprint (getMappingChunks), every piece asked at once: each
 * answer is ~1 MB of JSON parsed in a task of its own as it comes, and the page stays responsive between them.
 * Throws the ApiError 'torn' when the host no longer holds that report.
 */
async function fetchDeferred(pid: number, update: MappingsUpdate): Promise<MappingsUpdate> {
  const { deferredChunks, ...rest } = update;
  const mappingChunks = [...update.mappingChunks];
  let pending = deferredChunks ?? [];
  while (pending.length > 0) {
    const pieces = splitPieces(pending);
    const answers = await Promise.all(pieces.map((piece) => getBridge().getMappingChunks(pid, update.fingerprint, piece.map(([index]) => index))));
    const left: [number, number][] = [];
    for (const [p, piece] of pieces.entries()) {
      const got = answers[p]?.chunks ?? [];
      // The host answers a prefix of what was asked, never nothing: the rest is asked again.
      if (got.length === 0) throw new ApiError('internal', `getMappingChunks answered no chunk of ${piece.length}`);
      for (const [k, entry] of piece.entries()) {
        const chunk = got[k];
        if (chunk === undefined) left.push(entry);
        else mappingChunks[entry[0]] = chunk;
      }
    }
    pending = left;
  }
  return { ...rest, mappingChunks };
}

/**
 * pid's update against the report `since` names, every chunk it sends whole here: ~MAPPINGS_PER_ANSWER mappings an
 * answer (a first read of 20,000 mappings: 10 answers of ~1 MB, not one of 10 MB parsed in one 60-80 ms task).
 * Throws bad-arg from a host without chunkMappings (an older memscope).
 */
export async function readMappingsUpdate(pid: number, since: string | null): Promise<MappingsUpdate> {
  for (let attempt = 0; !hostLacksChunkPieces && attempt < PIECEWISE_ATTEMPTS; attempt++) {
    let update: MappingsUpdate;
    try {
      update = await getBridge().getMappingsIfChanged(pid, since, MIN_MAPPINGS_CHUNK_SIZE, MAPPINGS_PER_ANSWER);
    } catch (err) {
      // An older memscope takes no maxMappings (nor has getMappingChunks): every chunk in one answer, as it always did.
      if (!isApiError(err) || err.code !== 'bad-arg') throw err;
      hostLacksChunkPieces = true;
      break;
    }
    try {
      return await fetchDeferred(pid, update);
    } catch (err) {
      // Another read of pid (a second tab) replaced the report on the host before every piece came: read again.
      if (!isApiError(err) || err.code !== 'torn') throw err;
    }
  }
  return getBridge().getMappingsIfChanged(pid, since, MIN_MAPPINGS_CHUNK_SIZE);
}
