// shared/sim/clone-state.ts: a deep copy that keeps the shape of simulator state (checkpoints of the lab replays).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cloneState } from '../../../shared/sim/clone-state.js';

describe('cloneState', () => {
  test('copies typed arrays, holes, Maps, Sets, shared and cyclic references', () => {
    const shared = { n: 1 };
    const ring: { next: unknown; v: Int32Array } = { next: null, v: new Int32Array([1, 2]) };
    ring.next = ring;
    const sparse: (Int32Array | undefined)[] = [];
    sparse[5] = new Int32Array([7]);
    const src = { a: shared, b: shared, ring, m: new Map([[1, { x: 2 }]]), s: new Set([3]), sparse };
    const c = cloneState(src);
    assert.notEqual(c.a, src.a);
    assert.equal(c.a, c.b, 'shared stays shared');
    assert.equal(c.ring.next, c.ring, 'cycles stay cycles');
    c.ring.v[0] = 9;
    assert.equal(src.ring.v[0], 1, 'typed arrays are copied');
    assert.equal(c.m.get(1)?.x, 2);
    assert.notEqual(c.m.get(1), src.m.get(1));
    assert.ok(c.s.has(3));
    assert.equal(c.sparse.length, 6);
    assert.ok(!(0 in c.sparse), 'holes stay holes');
    assert.deepEqual([...c.sparse[5]!], [7]);
  });

  test('refuses class instances it could not recreate', () => {
    class Thing {
      x = 1;
    }
    assert.throws(() => cloneState({ t: new Thing() }), TypeError);
  });
});
