// A tick stream's scope: the pids whose rows a client is sent (issue 13). A process page needs its own row, not the
// ~370 rows (~170 KB of JSON a tick) the table needs; a client naming no scope (the table, an older client) gets every
// row. A narrowed tick says which pids it was cut for (Tick.scope), so a client tells "not sent" from "exited".
import type { Tick } from './api.js';
import { ApiError } from './errors.js';
import { assertPid, parsePid, showArgValue } from './validate.js';

/** The pids a stream carries rows of, ascending and distinct; null: every row. */
export type TickScope = readonly number[] | null;

/** Most pids in one scope (a page shows a few processes; a bound keeps a scope key and a filter cheap). */
export const MAX_SCOPE_PIDS = 64;

/** The query parameter of GET /api/events naming the scope: `?pids=1,2` (absent: every row). */
export const TICK_SCOPE_PARAM = 'pids';

/** A scope as a client may give it, ascending and distinct. */
function normalize(pids: readonly number[], where: string): number[] {
  if (pids.length > MAX_SCOPE_PIDS) throw new ApiError('bad-arg', `${where}: ${pids.length} pids, at most ${MAX_SCOPE_PIDS}`);
  return [...new Set(pids)].sort((a, b) => a - b);
}

/** A scope sent over IPC: null or an array of pids; anything else is bad-arg. */
export function checkTickScope(value: unknown): TickScope {
  if (value === null) return null;
  if (!Array.isArray(value)) throw new ApiError('bad-arg', `tick scope: expected null or an array of pids, got ${showArgValue(value)}`);
  return normalize(value.map((pid: unknown) => assertPid(pid)), 'tick scope');
}

/** The scope of `?pids=`: null when absent, [] when empty ("no rows": the stream still says the host ticks). */
export function parseTickScopeParam(text: string | null): TickScope {
  if (text === null) return null;
  if (text === '') return [];
  return normalize(text.split(',').map(parsePid), `?${TICK_SCOPE_PARAM}=`);
}

/** The query string that asks for scope ('' for every row). */
export function formatTickScopeQuery(scope: TickScope): string {
  return scope === null ? '' : `&${TICK_SCOPE_PARAM}=${scope.join(',')}`;
}

/** One text per distinct scope, for memos and comparisons. */
export function tickScopeKey(scope: TickScope | undefined): string {
  return scope === null || scope === undefined ? '*' : scope.join(',');
}

/** Every pid's row a client wanting `wanted` needs is in a tick cut for `scope` (undefined: a whole tick). */
export function scopeCovers(scope: TickScope | undefined, wanted: TickScope): boolean {
  if (scope === null || scope === undefined) return true;
  if (wanted === null) return false;
  return wanted.every((pid) => scope.includes(pid));
}

/** The union of scopes: null when any is null, or when there are none (nothing narrowed: every row). */
export function unionTickScopes(scopes: Iterable<TickScope>): TickScope {
  const pids = new Set<number>();
  let any = false;
  for (const scope of scopes) {
    if (scope === null) return null;
    any = true;
    for (const pid of scope) pids.add(pid);
  }
  // Past the bound, every row: a scope is a saving, never a reason to refuse.
  return !any || pids.size > MAX_SCOPE_PIDS ? null : [...pids].sort((a, b) => a - b);
}

/** tick with the rows of scope's pids only (their tombstones included), saying so in `scope`; the tick itself for null. */
export function narrowTick(tick: Tick, scope: TickScope): Tick {
  if (scope === null) return tick;
  return { ...tick, rows: tick.rows.filter((row) => scope.includes(row.pid)), scope: [...scope] };
}
