// shareAdjacentBounds on real reports (`memscope maps --json` of a many-maps subject: 400 pages, each its own mapping,
// every one touching the next): the report reads exactly as memscope printed it, kept chunks are not written, and the
// heap holds one string per address two mappings share where JSON.parse made two (counted in a V8 heap snapshot of this process: string
// identity is not observable from JavaScript).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { getHeapSnapshot } from 'node:v8';
import { buildHarness } from '../../helpers/c-build.js';
import { runMemscope } from '../../helpers/cli.js';
import { spawnUntilReady } from '../../helpers/ready-harness.js';
import { shareAdjacentBounds } from '../../../shared/proc/share-bounds.js';
import type { Mapping } from '../../../shared/proc/types.js';

const PAGES = 400;
const CHUNK = 8;

/** `memscope maps PID --json` as text (the oracle). */
function readReportText(pid: number): string {
  const r = runMemscope(['maps', String(pid), '--json']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

function parseMappings(text: string): Mapping[] {
  return (JSON.parse(text) as { mappings: Mapping[] }).mappings;
}

function cut(list: readonly Mapping[]): Mapping[][] {
  return Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, i * CHUNK + CHUNK));
}

/** How many string objects of this process's heap hold one of `values` (a heap snapshot: only what is reachable). */
async function countHeapStrings(values: ReadonlySet<string>): Promise<number> {
  let json = '';
  for await (const chunk of getHeapSnapshot()) json += String(chunk);
  const snap = JSON.parse(json) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snap.snapshot.meta.node_fields;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const stringType = snap.snapshot.meta.node_types[0].indexOf('string');
  let count = 0;
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    if (snap.nodes[i + typeAt] === stringType && values.has(snap.strings[snap.nodes[i + nameAt] as number] as string)) count++;
  }
  return count;
}

/** The addresses where a mapping of the chunks starts as the one before it ends (the strings held, no copies made). */
function listSharedAddresses(chunks: readonly (readonly Mapping[])[]): Set<string> {
  const list = chunks.flat();
  return new Set(list.filter((m, i) => i > 0 && list[i - 1]?.end === m.start).map((m) => m.start));
}

describe('shareAdjacentBounds', () => {
  let child: ChildProcess;

  before(async () => {
    ({ child } = await spawnUntilReady(buildHarness('many-maps.c'), [String(PAGES)]));
  });

  after(() => {
    child?.kill('SIGKILL');
  });

  test('a first read: the report reads as memscope printed it, with one string per address', async () => {
    const text = readReportText(child.pid!);
    const chunks = cut(parseMappings(text));
    // The set holds strings too: made again after sharing, from the strings the mappings then hold.
    let addresses = listSharedAddresses(chunks);
    assert.ok(addresses.size >= PAGES, `${addresses.size} mappings start where the one before them ends`);
    // JSON.parse's strings: one per start and per end, so two for each address two mappings share.
    assert.equal(await countHeapStrings(addresses), 2 * addresses.size);
    shareAdjacentBounds(chunks, () => true);
    assert.ok(JSON.stringify({ ...(JSON.parse(text) as object), mappings: chunks.flat() }) + '\n' === text, 'the report reads as memscope printed it');
    addresses = listSharedAddresses(chunks);
    assert.equal(await countHeapStrings(addresses), addresses.size);
  });

  test('a re-read: chunks kept from the held report are not written, and the fresh ones share their strings', async () => {
    const pid = child.pid!;
    const held = cut(parseMappings(readReportText(pid)));
    shareAdjacentBounds(held, () => true);
    for (const m of held.flat()) Object.freeze(m); // a write to a kept mapping throws (ES modules are strict)
    const read = cut(parseMappings(readReportText(pid)));
    assert.equal(read.length, held.length);
    // Every other chunk read again, the others kept (the subject does not change: the same addresses).
    const chunks = read.map((chunk, i) => (i % 2 === 0 ? (held[i] as Mapping[]) : chunk));
    const fresh = new Set<readonly Mapping[]>(chunks.filter((_, i) => i % 2 === 1));
    // Compared with themselves, not with the text: a kept chunk's smaps are the first read's.
    const before = JSON.stringify(chunks);
    shareAdjacentBounds(chunks, (chunk) => fresh.has(chunk));
    assert.ok(JSON.stringify(chunks) === before, 'the chunks read as they did');
    held.length = 0;
    read.length = 0;
    const addresses = listSharedAddresses(chunks);
    assert.ok(addresses.size >= PAGES, `${addresses.size} mappings start where the one before them ends`);
    assert.equal(await countHeapStrings(addresses), addresses.size);
  });
});
