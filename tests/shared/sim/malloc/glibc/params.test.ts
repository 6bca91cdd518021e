// GLIBC_TUNABLES parsing checked against the real loader: for each string, a probe trace whose
// outcome depends on the tunable's value must replay identically in the simulator and in glibc.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { type TraceOp, packTraceOps } from '../../../../../shared/sim/trace.js';
import { parseGlibcTunables } from '../../../../../shared/sim/malloc/glibc/params.js';
import { compareWithRealGlibc } from './real-glibc.js';

/** top_pad decides brk after the first malloc; trim_threshold/mmap_threshold/mmap_max the rest. */
const PROBE: TraceOp[] = [
  { op: 'a', id: 0, size: 10 },
  { op: 'a', id: 1, size: 200000 }, // mmap unless the threshold is high or mmap_max is 0
  { op: 'f', id: 1 }, // raises the dynamic threshold unless it is switched off
  { op: 'a', id: 2, size: 150000 }, // heap or mmap, depending on the above
  { op: 'a', id: 3, size: 100000 },
  { op: 'f', id: 3 }, { op: 'f', id: 2 }, // trims depending on trim_threshold / top_pad
  { op: 'a', id: 4, size: 24 }, { op: 'f', id: 4 }, { op: 'a', id: 5, size: 24 }, // tcache vs fastbin
  { op: 'a', id: 6, size: 100 }, { op: 'a', id: 7, size: 100 }, { op: 'f', id: 6 }, { op: 'a', id: 8, size: 2000 }, { op: 'a', id: 9, size: 100 },
];

const STRINGS = [
  'glibc.malloc.top_pad=0',
  'glibc.malloc.top_pad=0x2000',
  'glibc.malloc.top_pad=010000', // octal
  'glibc.malloc.top_pad=8192junk', // digits then junk: glibc 2.36 keeps 8192
  'glibc.malloc.top_pad=-1', // wraps to SIZE_MAX: arithmetic in sysmalloc wraps too
  'glibc.malloc.top_pad= 4096',
  'glibc.malloc.top_pad=+4096',
  'glibc.malloc.top_pad', // no '=': parsing stops
  'foo:glibc.malloc.top_pad=4096', // a leading name without value is skipped
  'glibc.malloc.top_pad=4096:glibc.malloc.top_pad=0', // the last value wins
  'glibc.malloc.no_such=1:glibc.malloc.top_pad=12288',
  'glibc.malloc.mmap_threshold=50000000', // no upper bound in 2.36
  'glibc.malloc.mmap_threshold=0',
  'glibc.malloc.mmap_max=0',
  'glibc.malloc.mmap_max=-1', // below minval: ignored
  'glibc.malloc.trim_threshold=0',
  'glibc.malloc.tcache_count=0',
  'glibc.malloc.tcache_count=65536', // above MAX_TCACHE_COUNT: rejected
  'glibc.malloc.tcache_max=0', // still caches 32-byte chunks
  'glibc.malloc.tcache_max=2000', // above 1032: rejected
  'glibc.malloc.mxfast=0',
  'glibc.malloc.mxfast=161', // above MAX_FAST_SIZE: rejected
  'glibc.malloc.tcache_unsorted_limit=1',
  'glibc.malloc.perturb=255:glibc.malloc.check=3:glibc.malloc.arena_max=1',
];

describe('GLIBC_TUNABLES', () => {
  for (const s of STRINGS) {
    test(`'${s}' acts as in glibc`, () => {
      const c = compareWithRealGlibc(packTraceOps(PROBE), s);
      assert.equal(c.firstDiff, -1, c.report);
    });
  }

  test('the probe distinguishes the tunables (premise: different strings, different real outcomes)', () => {
    // Several strings mean the same thing (e.g. 0x2000 and 8192junk); the probe must still tell
    // the different settings apart, or the agreement above would prove little.
    const outcomes = new Set(STRINGS.map((s) => JSON.stringify(compareWithRealGlibc(packTraceOps(PROBE), s).real)));
    outcomes.add(JSON.stringify(compareWithRealGlibc(packTraceOps(PROBE), '').real));
    assert.ok(outcomes.size >= 8, `only ${outcomes.size} distinct outcomes`);
  });

  test('notes say what happened to each pair', () => {
    const { notes } = parseGlibcTunables('glibc.malloc.tcache_count=70000:glibc.malloc.bogus=1:glibc.malloc.hugetlb=1:glibc.malloc.top_pad=0');
    assert.deepEqual(notes.map((n) => [n.name, n.outcome]), [
      ['glibc.malloc.tcache_count', 'rejected'],
      ['glibc.malloc.bogus', 'unknown'],
      ['glibc.malloc.hugetlb', 'not-modelled'],
      ['glibc.malloc.top_pad', 'applied'],
    ]);
  });
});
