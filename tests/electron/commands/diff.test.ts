// `memscope diff` on generated snapshots: 131,060 changed mappings in text (it died with "Maximum call stack
// size exceeded" past ~110k rows), and paths and names carrying ESC, newlines and C1 controls (a snapshot file
// can hold anything) shown as visible escapes in text, exact in --json. And on a real process (region-subject.c)
// whose anonymous region grows downward and splits between two `memscope snapshot`s: one region, grown / split.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SnapshotDiff } from '../../../shared/snapshot/diff.js';
import type { Snapshot } from '../../../shared/snapshot/schema.js';
import { parseSnapshotText } from '../../../shared/snapshot/parse-snapshot-text.js';
import { buildHarness } from '../../helpers/c-build.js';
import { assertOneLineError, runMemscope, TERMINAL_CONTROL } from '../../helpers/cli.js';
import { makeMapping, makeSnapshot } from '../../shared/snapshot/build-snapshot.js';

/** A process's most mappings (vm.max_map_count): 65,530 gone and 65,530 new make 131,060 rows. */
const MAPPINGS_PER_SIDE = 65_530;
/** A bounded input is refused in well under a second; a regression that reads on is killed here instead of hanging the suite. */
const INPUT_BOUND_TIMEOUT_MS = 30_000;

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

  test('an endless or huge input (/dev/zero, a 10 GB sparse file) is refused in one line, exit 2, not read until memory runs out', () => {
    const good = join(dir, 'good.json');
    writeSnapshot(good, makeSnapshot({ mappings: [] }));
    const sparse = join(dir, 'sparse.json');
    writeFileSync(sparse, '');
    truncateSync(sparse, 10 * 1024 ** 3);
    // Both used to run past the guard (/dev/zero: 4 GB of RSS in 15 s; the sparse file: 2 GB in 20 s).
    assertOneLineError(runMemscope(['diff', sparse, good], { timeoutMs: INPUT_BOUND_TIMEOUT_MS }), 2, /sparse\.json" is larger than 256 MiB/);
    assertOneLineError(runMemscope(['diff', good, '/dev/zero'], { timeoutMs: INPUT_BOUND_TIMEOUT_MS }), 2, /"\/dev\/zero" is larger than 256 MiB/);
  });

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
    assert.doesNotMatch(text.stdout, TERMINAL_CONTROL);
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

/** region-subject.c running, answering one line per command. */
async function startRegionSubject(mib: number, reserveMib: number) {
  const child = spawn(buildHarness('region-subject.c'), [String(mib), String(reserveMib)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string[]> => {
    const r = await lines.next();
    if (r.done === true) throw new Error('region-subject exited');
    return r.value.split(' ');
  };
  const ready = await next();
  assert.equal(ready[0], 'ready');
  return {
    pid: child.pid ?? 0,
    start: ready[1] ?? '',
    end: ready[2] ?? '',
    async command(line: string): Promise<string[]> {
      child.stdin.write(`${line}\n`);
      const answer = await next();
      assert.equal(answer[0], 'ok', answer.join(' '));
      return answer;
    },
    async kill(): Promise<void> {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('diff of a live region that changes shape (region-subject.c, real snapshots)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'memscope-diff-live-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const snapshot = (pid: number, name: string): string => {
    const path = join(dir, name);
    const r = runMemscope(['snapshot', String(pid), '-o', path]);
    assert.equal(r.code, 0, r.stderr);
    return path;
  };
  /** `memscope diff a b --json`, and its one changed region ending at endHex (more than one fails the test). */
  const diffRegionEndingAt = (a: string, b: string, endHex: string) => {
    const r = runMemscope(['diff', a, b, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout) as SnapshotDiff;
    const changed = d.mappings.filter(
      (m) => m.change !== 'unchanged' && [...(m.parts?.after ?? [m.after]), ...(m.parts?.before ?? [m.before])].some((x) => x?.end === endHex),
    );
    assert.equal(changed.length, 1, JSON.stringify(changed.map((m) => m.change)));
    return { d, region: changed[0]! };
  };

  test('a region grown downward (mmap below it, merged by the kernel) is one grown region with its delta, not new + gone', async () => {
    const subject = await startRegionSubject(8, 24);
    try {
      const a = snapshot(subject.pid, 'grow-a.json');
      const [, newStart, end] = await subject.command('grow 16');
      assert.equal(end, subject.end);
      assert.equal(BigInt(`0x${subject.start}`) - BigInt(`0x${newStart}`), 16n << 20n);
      const b = snapshot(subject.pid, 'grow-b.json');
      const { d, region } = diffRegionEndingAt(a, b, subject.end);
      assert.equal(region.change, 'grown');
      assert.deepEqual([region.before?.start, region.before?.end], [subject.start, subject.end]);
      assert.deepEqual([region.after?.start, region.after?.end], [newStart, subject.end]);
      assert.equal(region.deltaKb.sizeKb, 16 * 1024);
      assert.equal(region.deltaKb.rssKb, 16 * 1024, 'every page of the new part was touched');
      assert.equal(d.counts.new, 0, 'nothing appeared');
      assert.equal(d.counts.gone, 0, 'nothing went away');

      const text = runMemscope(['diff', a, b]);
      assert.equal(text.code, 0, text.stderr);
      const row = text.stdout.split('\n').find((l) => l.startsWith('grown ') && l.includes(` ${newStart} `));
      assert.ok(row !== undefined, text.stdout);
      assert.match(row, new RegExp(`^grown +${newStart} +${subject.end} +rw-p +\\+16384 +\\+16384 `));
    } finally {
      await subject.kill();
    }
  });

  test('a region split in three by mprotect is one split region (1->3), its sizes unchanged', async () => {
    const subject = await startRegionSubject(8, 0);
    try {
      const a = snapshot(subject.pid, 'split-a.json');
      await subject.command('protect 100');
      const b = snapshot(subject.pid, 'split-b.json');
      const { region } = diffRegionEndingAt(a, b, subject.end);
      assert.equal(region.change, 'split');
      assert.deepEqual(region.parts?.after.map((m) => m.perms), ['rw-p', 'r--p', 'rw-p']);
      assert.equal(region.parts?.before.length, 1);
      assert.equal(region.deltaKb.sizeKb, 0);
      assert.equal(region.deltaKb.rssKb, 0);
      const text = runMemscope(['diff', a, b]);
      assert.match(text.stdout, new RegExp(`^split:1->3 +${subject.start} +${subject.end} `, 'm'));
    } finally {
      await subject.kill();
    }
  });
});
