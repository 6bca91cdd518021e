// The one error a snapshot reader throws: what is wrong and where (a JSON path or a text position),
// carried as ApiError 'malformed' so it reads the same in the CLI, the app and over HTTP.

import { ApiError } from '../errors.js';

/** A snapshot file that is not a valid memscope snapshot. */
export class SnapshotError extends ApiError {
  /**
   * `path` names the offending value, e.g. "mappings[3].smaps.Rss" ("" for the document itself);
   * the message already starts with it, so printing the message alone is enough.
   */
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super('malformed', path === '' ? `snapshot: ${detail}` : `snapshot ${path}: ${detail}`);
    this.name = 'SnapshotError';
  }
}
