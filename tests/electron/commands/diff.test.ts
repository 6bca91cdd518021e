// `memscope diff` on generated snapshots: 131,060 changed mappings in text (it died with "Maximum call stack
// size exceeded" past ~110k rows), and paths and names carrying ESC, newlines and C1 controls (a snapshot file
// can hold anything) shown as visible escapes in text, exact in --json.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Snapshot } from '../../../shared/snapshot/schema.js';
import { parseSnapshotText } from '../../../shared/snapshot/parse-snapshot-text.js';
import { runMemscope } from '../../helpers/cli.js';
import { makeMapping, makeSnapshot } from '../../shared/snapshot/build-snapshot.js';

/** A process's most mappings (vm.max_map_count): 65,530 gone and 65,530 new make 131,060 rows. */
const MAPPINGS_PER_SIDE = 65_530;

/** Writes a snapshot after checking it with the project's own validator. */
function writeSnapshot(path: string, snapshot: Snapshot): void {
  const text = JSON.stringify(snapshot);
  parseSnapshotText(text);
  writeFileSync(path, text);
}

/** MAPPINGS_PER_SIDE one-page file mappings, each of its own library (so none matches the other side's). */
function makeLibraries(prefix: string, base: bigint): Snapshot {
  const mappings = [];
  for (let i = 0; i < MAPPINGS_PER_SIDE; i++) {
    mappings.push(makeMapping(base + BigInt(i) * 0x2000n, 4, { perms: 'r--p', path: `/usr/lib/${prefix}-${i}.so`, kind: 'lib' }, { Rss: 4, Pss: 2 }));
  }
  return makeSnapshot({ mappings });
}

describe('diff', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'memscope-diff-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('131,060 changed mappings (the most two legal snapshots can have): the text lists every one (no stack overflow), like --json', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeSnapshot(a, makeLibraries('before', 0x7f0000000000n));
    writeSnapshot(b, makeLibraries('after', 0x7f8000000000n));
    const json = runMemscope(['diff', a, b, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const counts = (JSON.parse(json.stdout) as { counts: Record<string, number> }).counts;
    assert.deepEqual([counts['new'], counts['gone']], [MAPPINGS_PER_SIDE, MAPPINGS_PER_SIDE]);

    const text = runMemscope(['diff', a, b]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stderr, '');
    const lines = text.stdout.split('\n');
    assert.equal(lines.filter((l) => /^new +7f8/.test(l)).length, MAPPINGS_PER_SIDE);
    assert.equal(lines.filter((l) => /^gone +7f0/.test(l)).length, MAPPINGS_PER_SIDE);
    assert.ok(lines.includes('GROUPS (deltas in kB)'), 'the output runs to the end');
    assert.equal(lines.at(-1), '', 'ends with a newline');
  });

  test('control characters in paths, comm and group names: escaped in the text, exact in --json', () => {
    const hostile = '/tmp/evil\x1b[2J\nfake\x9b31m\x7f.so';
    const shown = '/tmp/evil\\x1b[2J\\nfake\\x9b31m\\x7f.so';
    const before = makeSnapshot({ metrics: { comm: 'x\x1b]0;pwned\x07' } });
    const afterSnapshot = makeSnapshot({
      metrics: { comm: 'x\x1b]0;pwned\x07' },
      mappings: [...before.mappings, makeMapping(0x7f0000000000n, 8, { perms: 'r--p', path: hostile, kind: 'lib' }, { Rss: 8, Pss: 8 })],
    });
    const a = join(dir, 'hostile-a.json');
    const b = join(dir, 'hostile-b.json');
    writeSnapshot(a, before);
    writeSnapshot(b, afterSnapshot);

    const text = runMemscope(['diff', a, b]);
    assert.equal(text.code, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    assert.match(text.stdout, /^before: pid 4242 \(x\\x1b\]0;pwned\\x07\) at /m);
    const rows = text.stdout.split('\n').filter((l) => l.startsWith('new '));
    assert.equal(rows.length, 1);
    assert.ok(rows[0]!.endsWith(shown), rows[0]);
    assert.ok(text.stdout.split('\n').some((l) => l.startsWith('0->1 ') && l.endsWith(shown)), 'the group line');

    const json = runMemscope(['diff', a, b, '--json']);
    const diff = JSON.parse(json.stdout) as { before: { comm: string }; mappings: { change: string; after: { path: string } | null }[] };
    assert.equal(diff.before.comm, 'x\x1b]0;pwned\x07');
    assert.equal(diff.mappings.find((m) => m.change === 'new')?.after?.path, hostile);
  });
});
