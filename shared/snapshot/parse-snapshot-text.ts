// Reads a snapshot file's text: JSON syntax first (with "truncated" / "not JSON" and a line:column),
// then the version-1 schema (validate.ts). Source of truth: shared/snapshot/FORMAT.md.

import { locateJsonError } from './locate-json-error.js';
import type { Snapshot } from './schema.js';
import { SnapshotError } from './snapshot-error.js';
import { validateSnapshot } from './validate.js';

/**
 * Parses and validates a snapshot file's text. Throws SnapshotError with path "" and a message
 * starting "truncated:" when the text stops mid-document (a cut-off download or copy), or
 * "not JSON:" for any other syntax error, both with line, column and offset; schema errors come
 * from validateSnapshot. A leading byte-order mark is ignored.
 */
export function parseSnapshotText(text: string): Snapshot {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new SnapshotError('', 'not JSON: the file is empty');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw describeSyntaxError(body, e);
  }
  return validateSnapshot(value);
}

function describeSyntaxError(text: string, cause: unknown): SnapshotError {
  const loc = locateJsonError(text);
  if (loc === undefined) {
    // Our scanner accepted what JSON.parse refused (should not happen): pass the engine's words on.
    return new SnapshotError('', `not JSON: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const where = `line ${loc.line}, column ${loc.column} (offset ${loc.offset})`;
  if (loc.truncated) {
    return new SnapshotError('', `truncated: unexpected end of JSON input at ${where}; expected ${loc.expected}`);
  }
  const found = JSON.stringify(text[loc.offset] ?? '');
  return new SnapshotError('', `not JSON: unexpected character ${found} at ${where}; expected ${loc.expected}`);
}
