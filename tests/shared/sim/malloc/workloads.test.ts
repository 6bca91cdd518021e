// Built-in workloads: reproducible per seed, valid traces, known names only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WORKLOADS, generateWorkload } from '../../../../shared/sim/malloc/workloads.js';
import { formatRepTrace, parseRepTrace } from '../../../../shared/sim/trace.js';

test('each workload is reproducible and differs across seeds', () => {
  for (const w of WORKLOADS) {
    const a = formatRepTrace(generateWorkload(w.name, { seed: 1, opCount: 500 }));
    assert.equal(formatRepTrace(generateWorkload(w.name, { seed: 1, opCount: 500 })), a, w.name);
    assert.notEqual(formatRepTrace(generateWorkload(w.name, { seed: 2, opCount: 500 })), a, w.name);
    assert.ok(parseRepTrace(a).length >= 400, w.name);
  }
});

test('an unknown workload name is refused, naming the known ones', () => {
  assert.throws(() => generateWorkload('nope', { seed: 1, opCount: 10 }), /unknown workload 'nope' \(known: random, /);
});
