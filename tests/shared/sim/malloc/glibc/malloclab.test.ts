// Every CMU malloclab trace, replayed in the real glibc and in the simulator, must agree op by op
// (returned offset or mmap length, usable size, brk), with default and with tuned parameters.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MALLOCLAB_TRACES_DIR } from '../../../../helpers/paths.js';
import { parseTrace } from '../../../../../shared/sim/trace.js';
import { compareWithRealGlibc } from './real-glibc.js';

const TRACES = readdirSync(MALLOCLAB_TRACES_DIR).filter((f) => f.endsWith('.rep')).sort();

const TUNABLE_SETS = [
  '',
  'glibc.malloc.tcache_count=0',
  'glibc.malloc.mmap_threshold=65536',
  'glibc.malloc.top_pad=0',
  'glibc.malloc.trim_threshold=4096',
  'glibc.malloc.mxfast=0:glibc.malloc.tcache_max=64',
  'glibc.malloc.top_pad=0:glibc.malloc.trim_threshold=0:glibc.malloc.mmap_threshold=4096:glibc.malloc.tcache_count=2',
];

describe('malloclab traces: simulator vs real glibc 2.36', () => {
  test('the trace folder holds the malloclab traces', () => {
    assert.ok(TRACES.length >= 13, `found ${TRACES.length} traces in ${MALLOCLAB_TRACES_DIR}`);
  });
  for (const tunables of TUNABLE_SETS) {
    test(`all traces agree with GLIBC_TUNABLES='${tunables}'`, (t) => {
      let ops = 0;
      for (const name of TRACES) {
        const trace = parseTrace(readFileSync(join(MALLOCLAB_TRACES_DIR, name), 'utf8'));
        const c = compareWithRealGlibc(trace, tunables);
        assert.equal(c.firstDiff, -1, `${name}: ${c.report}`);
        ops += c.ops;
      }
      t.diagnostic(`${TRACES.length} traces, ${ops} ops agree`);
    });
  }
});
