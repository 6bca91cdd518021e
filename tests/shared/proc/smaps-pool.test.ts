// SmapsPool on real reports: `memscope maps --json` of a many-maps subject (tests/harness/many-maps.c: odd pages r--
// untouched, even pages rw- written, so few distinct smaps among many mappings) and of this test's own node process
// (libraries, heaps, stacks: smaps of every sort). Pooled, a report reads exactly as it did (JSON text, key order
// included) and holds one smaps object per distinct smaps text, one VmFlags array per distinct flag list.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { buildHarness } from '../../helpers/c-build.js';
import { runMemscope } from '../../helpers/cli.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';
import { keepPool, SmapsPool } from '../../../shared/proc/smaps-pool.js';
import type { Mapping } from '../../../shared/proc/types.js';

const PAGES = 400;

/** `memscope maps PID --json` as text (the oracle) and its mappings. */
function readReport(pid: number): { text: string; mappings: Mapping[] } {
  const r = runMemscope(['maps', String(pid), '--json']);
  assert.equal(r.code, 0, r.stderr);
  return { text: r.stdout, mappings: (JSON.parse(r.stdout) as { mappings: Mapping[] }).mappings };
}

/** How many distinct objects `values` holds. */
function countObjects(values: readonly unknown[]): number {
  return new Set(values).size;
}

/** How many distinct JSON texts `values` has. */
function countTexts(values: readonly unknown[]): number {
  return new Set(values.map((v) => JSON.stringify(v))).size;
}

describe('SmapsPool', () => {
  let child: ChildProcess;

  before(async () => {
    ({ child } = await spawnUntilReady(buildHarness('many-maps.c'), [String(PAGES)]));
  });

  after(() => {
    child?.kill('SIGKILL');
  });

  for (const [label, pidOf] of [
    ['a many-maps subject', () => child.pid!],
    ['this node process', () => process.pid],
  ] as const) {
    test(`${label}: pooled, the report reads as memscope printed it, with one object per distinct smaps and flag list`, () => {
      const { text, mappings } = readReport(pidOf());
      const smapsTexts = countTexts(mappings.map((m) => m.smaps));
      const flagTexts = countTexts(mappings.map((m) => m.smaps?.['VmFlags']));
      new SmapsPool().shareAll(mappings);
      const report = JSON.parse(text) as { mappings: Mapping[] };
      assert.equal(JSON.stringify({ ...report, mappings }) + '\n', text);
      assert.equal(countObjects(mappings.map((m) => m.smaps)), smapsTexts);
      assert.equal(countObjects(mappings.map((m) => m.smaps?.['VmFlags'])), flagTexts);
    });
  }

  test('a many-maps subject: its 400 pages share a handful of smaps objects', () => {
    const { mappings } = readReport(child.pid!);
    new SmapsPool().shareAll(mappings);
    assert.ok(mappings.length > PAGES);
    // Pages alike but for their address: r--p untouched, rw-p written (and the subject's few other mappings).
    assert.ok(countObjects(mappings.map((m) => m.smaps)) < 50, `${countObjects(mappings.map((m) => m.smaps))} smaps objects`);
  });

  test('smaps alike but for key order stay apart (the table lists fields in the order the kernel printed them)', () => {
    const { mappings } = readReport(process.pid);
    const fields = mappings[0]?.smaps ?? {};
    const reordered = Object.fromEntries(Object.entries(fields).reverse());
    const pool = new SmapsPool();
    assert.equal(pool.share(fields), fields);
    assert.equal(pool.share(reordered), reordered);
    assert.equal(pool.share({ ...fields }), fields);
  });

  test('a second read pooled into the first one\'s pool shares its objects; keepPool starts over once stale entries pile up', () => {
    const pid = child.pid!;
    const first = readReport(pid).mappings;
    const pool = new SmapsPool();
    pool.shareAll(first);
    const again = readReport(pid).mappings;
    pool.shareAll(again);
    // An idle subject: mostly the same smaps, so the same objects; a shared library's Pss moves when another process maps
    // or unmaps it, and such a mapping gets an object of its own. Equal texts, same object; different texts, not.
    const sameText = again.map((m, i) => JSON.stringify(m.smaps) === JSON.stringify(first[i]?.smaps));
    assert.ok(sameText.filter(Boolean).length >= PAGES, `${sameText.filter(Boolean).length} mappings read alike twice`);
    assert.deepEqual(
      again.map((m, i) => m.smaps === first[i]?.smaps),
      sameText,
    );
    assert.equal(keepPool(pool, again), pool);
    // Every smaps made distinct (each its own Rss): the pool now holds more than the mappings can use.
    const third = readReport(pid).mappings;
    for (let round = 0; round < 8; round++) pool.shareAll(third.map((m, i) => ({ ...m, smaps: { ...m.smaps, Rss: round * 1e6 + i } })));
    const kept = keepPool(pool, again);
    assert.notEqual(kept, pool);
    // What `again` holds: its distinct smaps, VmFlags lists and key lists (one: the kernel prints the same keys).
    const keyLists = countTexts(again.map((m) => Object.keys(m.smaps ?? {})));
    assert.equal(kept.size, countObjects(again.map((m) => m.smaps)) + countObjects(again.map((m) => m.smaps?.['VmFlags'])) + keyLists);
    assert.equal(kept.share({ ...again[0]?.smaps }), again[0]?.smaps);
  });
});
