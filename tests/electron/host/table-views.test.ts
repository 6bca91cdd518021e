// Two tabs with different columns are both served: the sampler reads the union of their columns (and the
// base), smaps_rollup only for the rows on screen of tabs showing a rollup column; a tab that stops
// renewing is forgotten once its lease ends.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TableViews } from '../../../electron/host/table-views.js';
import { DEFAULT_COLUMNS, MAX_TABLE_VIEWS, VIEW_LEASE_MS } from '../../../shared/proc/columns.js';

describe('TableViews', () => {
  test('the union of two tabs and the base; rollup pids only from the tab showing PSS', () => {
    const views = new TableViews(DEFAULT_COLUMNS);
    assert.equal(views.set('tab-a', { columns: ['pid', 'user'], rollupPids: [10, 11] }, 0), true);
    assert.equal(views.set('tab-b', { columns: ['pid', 'pssKb'], rollupPids: [11, 12] }, 0), true);
    assert.deepEqual(new Set(views.listColumns()), new Set([...DEFAULT_COLUMNS, 'user', 'pssKb']));
    assert.deepEqual(views.listRollupPids().sort(), [11, 12]);
    assert.equal(views.set('tab-b', { columns: ['pid', 'pssKb'], rollupPids: [12, 11] }, 1000), false, 'a renewal changes nothing to read');
  });

  test('a tab not renewed within the lease is forgotten; one renewed stays', () => {
    const views = new TableViews(DEFAULT_COLUMNS);
    views.set('closed', { columns: ['swapKb'], rollupPids: [] }, 0);
    views.set('open', { columns: ['user'], rollupPids: [] }, 0);
    views.set('open', { columns: ['user'], rollupPids: [] }, VIEW_LEASE_MS / 2);
    assert.equal(views.expire(VIEW_LEASE_MS - 1), false);
    assert.equal(views.expire(VIEW_LEASE_MS), true);
    assert.ok(!views.listColumns().includes('swapKb'));
    assert.ok(views.listColumns().includes('user'));
  });

  test(`at most ${MAX_TABLE_VIEWS} tabs: the least recently renewed goes first`, () => {
    const views = new TableViews([]);
    views.set('oldest', { columns: ['swapKb'], rollupPids: [] }, 0);
    for (let i = 0; i < MAX_TABLE_VIEWS; i++) views.set(`tab-${i}`, { columns: ['pid'], rollupPids: [] }, 1);
    assert.deepEqual(views.listColumns(), ['pid']);
  });
});
