// What every client's process table shows (setTableView), held as leases: the sampler reads the union of
// their columns and of the base columns, and smaps_rollup for the rows on screen of clients showing a
// rollup column. A client that stops renewing (a closed tab) is forgotten after VIEW_LEASE_MS.
import type { TableView } from '../../shared/api.js';
import { ALL_COLUMN_IDS, MAX_TABLE_VIEWS, ROLLUP_COLUMNS, VIEW_LEASE_MS, type ColumnId } from '../../shared/proc/columns.js';
import { setNewest } from '../../shared/recent-map.js';

/** One client's view and when its lease ends. */
interface HeldView {
  view: TableView;
  expiresAtMs: number;
}

/** The table views of every client, by client id. */
export class TableViews {
  private readonly base: readonly ColumnId[];
  private readonly views = new Map<string, HeldView>();

  /** baseColumns: sampled whatever clients show (default every column). */
  constructor(baseColumns: readonly ColumnId[] = ALL_COLUMN_IDS) {
    this.base = baseColumns;
  }

  /** Holds (or renews) a client's view; true when what must be read changed. */
  set(clientId: string, view: TableView, nowMs: number): boolean {
    const before = this.describe();
    // Re-inserted last, so the map stays in renewal order; tabs never say goodbye: past the bound, the least recently
    // renewed view goes.
    setNewest(this.views, clientId, { view, expiresAtMs: nowMs + VIEW_LEASE_MS }, MAX_TABLE_VIEWS);
    return this.describe() !== before;
  }

  /** Forgets views whose lease ended; true when any was. */
  expire(nowMs: number): boolean {
    let changed = false;
    for (const [id, held] of this.views) {
      if (held.expiresAtMs > nowMs) continue;
      this.views.delete(id);
      changed = true;
    }
    return changed;
  }

  /** The base columns and every held view's. */
  listColumns(): ColumnId[] {
    const columns = new Set<ColumnId>(this.base);
    for (const { view } of this.views.values()) for (const id of view.columns) columns.add(id);
    return [...columns];
  }

  /** The rows on screen of every view that shows a rollup column (PSS, USS, SWAP-PSS). */
  listRollupPids(): number[] {
    const pids = new Set<number>();
    for (const { view } of this.views.values()) {
      if (view.columns.some((id) => ROLLUP_COLUMNS.includes(id))) for (const pid of view.rollupPids) pids.add(pid);
    }
    return [...pids];
  }

  /** A key of what the sampler must read, to tell whether a change matters. */
  private describe(): string {
    return `${this.listColumns().sort().join(',')}|${this.listRollupPids().sort((a, b) => a - b).join(',')}`;
  }
}
