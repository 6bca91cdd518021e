// getMappingsIfChanged: a MappingsReport cut into chunks of mappings, each named by a hash of its JSON, so a page
// polling a big process gets again only the chunks that changed since the report it holds (shared/api.ts MappingsUpdate).
import { createHash } from 'node:crypto';
import { MAPPINGS_CHUNK_SIZE, type MappingsReport, type MappingsUpdate } from '../../shared/api.js';
import type { Mapping } from '../../shared/proc/types.js';

/** Hex digits kept of each chunk's SHA-1: 64 bits, so two different chunks at one index never look equal in practice. */
const CHUNK_HASH_DIGITS = 16;

/**
 * The update of `report` for a caller holding the report `sinceFingerprint` names (null: none), cut every
 * chunkMappings mappings (a fingerprint made with another size matches no chunk: everything is sent).
 */
export function buildMappingsUpdate(report: MappingsReport, sinceFingerprint: string | null, chunkMappings = MAPPINGS_CHUNK_SIZE): MappingsUpdate {
  const { mappings, ...rest } = report;
  const held = sinceFingerprint === null || sinceFingerprint === '' ? [] : sinceFingerprint.split('.');
  const hashes: string[] = [];
  const mappingChunks: (Mapping[] | null)[] = [];
  for (let from = 0; from < mappings.length; from += chunkMappings) {
    const chunk = mappings.slice(from, from + chunkMappings);
    // The JSON the transport sends: equal hashes mean equal mappings, field for field.
    const hash = createHash('sha1').update(JSON.stringify(chunk)).digest('hex').slice(0, CHUNK_HASH_DIGITS);
    mappingChunks.push(held[hashes.length] === hash ? null : chunk);
    hashes.push(hash);
  }
  return { fingerprint: hashes.join('.'), report: rest, chunkMappings, mappingChunks };
}
