// `memscope diff A.json B.json [--json]`: what grew, shrank, split, merged, appeared and disappeared (regions by overlap and backing).
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { diffSnapshots } from '../../shared/snapshot/diff.js';
import { formatDiff } from '../../shared/snapshot/format-diff.js';
import { parseSnapshotText } from '../../shared/snapshot/parse-snapshot-text.js';
import { quoteUserInput } from '../../shared/text/escape.js';
import type { Snapshot } from '../../shared/snapshot/schema.js';
import { expectPositionals, parseCommandArgs } from './args.js';
import { readInputText } from './read-input.js';
import { writeLines } from './write-stdout.js';

/** Reads and validates one snapshot file; errors name the file. */
export function readSnapshotFile(path: string): Snapshot {
  const text = readInputText(path);
  try {
    return parseSnapshotText(text);
  } catch (err) {
    throw new ApiError('malformed', `${quoteUserInput(path)}: ${(err as Error).message}`);
  }
}

/** Runs `memscope diff`. */
export async function runDiff(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('diff', () =>
    parseArgs({ args: argv, strict: true, allowPositionals: true, options: { json: { type: 'boolean' } } }),
  );
  const [a, b] = expectPositionals('diff', positionals, ['a.json', 'b.json']);
  const diff = diffSnapshots(readSnapshotFile(a ?? ''), readSnapshotFile(b ?? ''));
  // 130k changed mappings make a 20 MB table: written in chunks as the reader takes them.
  if (values.json === true) process.stdout.write(`${JSON.stringify(diff)}\n`);
  else await writeLines(formatDiff(diff));
  return 0;
}
