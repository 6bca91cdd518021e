// The order `memscope top` prints processes in: biggest first for numbers (as top), ascending for text, pid breaking
// ties. Each tick starts from the previous tick's order, which is nearly right, so an insertion sort is about linear.
import type { ColumnId } from '../../shared/proc/columns.js';
import type { ProcessRow } from '../../shared/proc/types.js';

/** One collator for every text comparison: localeCompare's order without building one per call. */
const COLLATOR = new Intl.Collator();

/** Moves per row past which the insertion sort hands over to Array#sort (an order that changed a lot). */
const MAX_MOVES_PER_ROW = 16;

/** The comparison for a column: descending numbers, ascending text (decided by the first row, as top does), then pid. */
function compareBy(key: ColumnId, sample: ProcessRow | undefined): (a: ProcessRow, b: ProcessRow) => number {
  if (typeof sample?.[key] === 'number') return (a, b) => (b[key] as number) - (a[key] as number) || a.pid - b.pid;
  return (a, b) => COLLATOR.compare(String(a[key]), String(b[key])) || a.pid - b.pid;
}

/** Sorts a copy of rows by key from scratch. */
export function sortRows(rows: readonly ProcessRow[], key: ColumnId): ProcessRow[] {
  return rows.slice().sort(compareBy(key, rows[0]));
}

/**
 * Sorts each tick's rows by one column, starting from the order of the tick before: when the tick lists the same pids
 * in the same order as the last one (no process came or went), last tick's permutation is applied as it is; else rows
 * are placed where their pid was, new pids after. Then an insertion sort on the column's numbers (read once per row)
 * fixes what moved. The comparison is a total order over distinct pids, so the result is exactly a sort from scratch;
 * text columns, and a tick listing a pid twice (a tombstone beside a new process with its pid), are sorted from scratch.
 *
 * Invariants after sort(): inputPids[0..n) are that tick's pids in input order; order[0..n) is a permutation of
 * 0..n-1 with order[k] the input index of the k-th row printed.
 */
export class TopSorter {
  private n = 0;
  private inputPids = new Int32Array(0);
  private order = new Uint32Array(0);
  private keys = new Float64Array(0);
  private pids = new Int32Array(0);
  private readonly indexByPid = new Map<number, number>();

  constructor(private readonly key: ColumnId) {}

  /** The rows sorted, in a new array. */
  sort(rows: readonly ProcessRow[]): ProcessRow[] {
    const n = rows.length;
    if (typeof rows[0]?.[this.key] !== 'number' || !this.placeAsBefore(rows)) {
      this.n = 0; // the next tick starts from scratch too
      return sortRows(rows, this.key);
    }
    const { order, keys, pids } = this;
    for (let k = 0; k < n; k++) {
      const row = rows[order[k]!]!;
      const key = row[this.key] as number;
      if (Number.isNaN(key)) {
        this.n = 0; // NaN compares as neither bigger nor smaller: Array#sort's order, as before
        return sortRows(rows, this.key);
      }
      keys[k] = key;
      pids[k] = row.pid;
    }
    this.insertionSort(n);
    const sorted: ProcessRow[] = new Array<ProcessRow>(n);
    for (let k = 0; k < n; k++) sorted[k] = rows[order[k]!]!;
    return sorted;
  }

  /** Fills order[0..n) with last tick's order of these rows (new pids last); false when a pid is listed twice. */
  private placeAsBefore(rows: readonly ProcessRow[]): boolean {
    const n = rows.length;
    let samePids = n === this.n;
    for (let i = 0; samePids && i < n; i++) samePids = this.inputPids[i] === rows[i]!.pid;
    if (samePids) return true; // order[] already maps sorted positions to these input indices
    const indexByPid = this.indexByPid;
    indexByPid.clear();
    for (let i = 0; i < n; i++) indexByPid.set(rows[i]!.pid, i);
    if (indexByPid.size !== n) return false;
    if (this.inputPids.length < n) this.grow(n * 2);
    const order = this.order;
    const placed = new Uint8Array(n);
    let k = 0;
    for (let p = 0; p < this.n; p++) {
      const i = indexByPid.get(this.inputPids[order[p]!]!);
      if (i === undefined) continue;
      this.pids[k++] = i; // pids[] as scratch: order[] is still being read
      placed[i] = 1;
    }
    for (let i = 0; i < n; i++) if (placed[i] === 0) this.pids[k++] = i;
    for (let p = 0; p < n; p++) {
      order[p] = this.pids[p]!;
      this.inputPids[p] = rows[p]!.pid;
    }
    this.n = n;
    indexByPid.clear();
    return true;
  }

  private grow(capacity: number): void {
    const inputPids = new Int32Array(capacity);
    inputPids.set(this.inputPids);
    const order = new Uint32Array(capacity);
    order.set(this.order);
    this.inputPids = inputPids;
    this.order = order;
    this.keys = new Float64Array(capacity);
    this.pids = new Int32Array(capacity);
  }

  /** Sorts positions 0..n (nearly in order) by descending key then pid; Array#sort finishes when too much moves. */
  private insertionSort(n: number): void {
    const { order, keys, pids } = this;
    let movesLeft = MAX_MOVES_PER_ROW * n;
    for (let i = 1; i < n; i++) {
      const k = keys[i]!;
      const pid = pids[i]!;
      const at = order[i]!;
      let j = i - 1;
      // Move left past every row this one sorts before: a smaller key, or the same key and a bigger pid.
      while (j >= 0 && (keys[j]! < k || (keys[j] === k && pids[j]! > pid))) {
        keys[j + 1] = keys[j]!;
        pids[j + 1] = pids[j]!;
        order[j + 1] = order[j]!;
        j--;
      }
      keys[j + 1] = k;
      pids[j + 1] = pid;
      order[j + 1] = at;
      movesLeft -= i - 1 - j;
      if (movesLeft < 0) return this.sortFromScratch(n);
    }
  }

  /** Sorts positions 0..n with Array#sort (an order that changed a lot). */
  private sortFromScratch(n: number): void {
    const { order, keys, pids } = this;
    const positions = Array.from({ length: n }, (_, k) => k);
    positions.sort((a, b) => keys[b]! - keys[a]! || pids[a]! - pids[b]!);
    const sortedOrder = positions.map((p) => order[p]!);
    const sortedKeys = positions.map((p) => keys[p]!);
    const sortedPids = positions.map((p) => pids[p]!);
    order.set(sortedOrder);
    keys.set(sortedKeys);
    pids.set(sortedPids);
  }
}
