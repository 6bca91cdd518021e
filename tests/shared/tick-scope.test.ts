// shared/tick-scope.ts: the scope a client names for its tick stream, as a query parameter (browser mode) and as an
// IPC argument (the desktop app), and what a tick narrowed to it holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isApiError } from '../../shared/errors.js';
import { checkTickScope, MAX_SCOPE_PIDS, narrowTick, parseTickScopeParam, scopeCovers, unionTickScopes } from '../../shared/tick-scope.js';
import { MemscopeService } from '../../electron/host/service.js';

const isBadArg = (err: unknown) => isApiError(err) && err.code === 'bad-arg';

test('?pids=: absent is every row, empty is none, pids come ascending and once; anything else is bad-arg', () => {
  assert.equal(parseTickScopeParam(null), null);
  assert.deepEqual(parseTickScopeParam(''), []);
  assert.deepEqual(parseTickScopeParam('30,7,30'), [7, 30]);
  for (const bad of ['x', '1,', '0', '-3', '1.5', '99999999', Array.from({ length: MAX_SCOPE_PIDS + 1 }, (_, i) => i + 1).join(',')]) {
    assert.throws(() => parseTickScopeParam(bad), isBadArg, bad);
  }
});

test('an IPC scope is null or pids; anything else is bad-arg', () => {
  assert.equal(checkTickScope(null), null);
  assert.deepEqual(checkTickScope([9, 2]), [2, 9]);
  for (const bad of [undefined, 7, '7', [0], ['7'], { 0: 7 }]) assert.throws(() => checkTickScope(bad), isBadArg, JSON.stringify(bad));
});

test('a whole tick covers every scope; a narrowed one only the pids it was cut for', () => {
  assert.ok(scopeCovers(undefined, null));
  assert.ok(scopeCovers(undefined, [5]));
  assert.ok(scopeCovers([3, 5], [5]));
  assert.ok(!scopeCovers([3], [5]));
  assert.ok(!scopeCovers([3, 5], null), 'the table needs every row');
  assert.ok(scopeCovers([], []));
});

test('the union of scopes: every row when any view wants every row, when none asks, or past the bound', () => {
  assert.equal(unionTickScopes([]), null);
  assert.equal(unionTickScopes([[1], null]), null);
  assert.deepEqual(unionTickScopes([[4, 1], [1, 2]]), [1, 2, 4]);
  const many = Array.from({ length: MAX_SCOPE_PIDS + 1 }, (_, i) => [i + 1]);
  assert.equal(unionTickScopes(many), null);
});

test("a real tick narrowed to this process: its row alone (the same object), the rest of the tick as it was", () => {
  const service = new MemscopeService({ historyCapacity: 0 });
  try {
    const tick = service.tickNow();
    assert.equal(narrowTick(tick, null), tick);
    const narrowed = narrowTick(tick, [process.pid]);
    assert.deepEqual(narrowed.scope, [process.pid]);
    assert.deepEqual(narrowed.rows, [tick.rows.find((r) => r.pid === process.pid)]);
    assert.equal(narrowed.rows[0], tick.rows.find((r) => r.pid === process.pid));
    assert.deepEqual({ ...narrowed, rows: tick.rows, scope: undefined }, { ...tick, scope: undefined });
    assert.ok(tick.rows.length > 1 && tick.scope === undefined, 'the tick itself is unchanged');
  } finally {
    service.stop();
  }
});
