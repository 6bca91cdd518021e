// The program's live heap allocations, user pointer → chunk slot: an open-addressing hash table in two typed
// arrays, sized by the number of live allocations (a page table over the heap's address range took 4 KiB per
// 16 KiB of heap touched: 64 MB for 9,000 live blocks spread over a 900 MB heap). No glibc counterpart: glibc
// reads the chunk header in front of the pointer, which the model keeps in slots instead.

/** The smallest table (entries); it doubles whenever it would pass half full. */
const MIN_LIVE_TABLE_ENTRIES = 1024;

/**
 * Live allocations by user pointer. Linear probing without tombstones (deletion shifts back the entries
 * after the hole).
 *
 * Invariants: keys.length = slots.length = mask + 1, a power of two ≥ MIN_LIVE_TABLE_ENTRIES; count ≤ (mask + 1) / 2;
 * keys[k] = 0 ⇔ entry k is empty (user pointers are ≥ 16); each key sits in the probe run that starts at its
 * hash with no empty entry between; slots[k] is the chunk slot of keys[k].
 */
export interface LiveTable {
  /** User pointer per entry (0: empty). */
  keys: Float64Array;
  /** Chunk slot per entry. */
  slots: Int32Array;
  /** Entries − 1. */
  mask: number;
  /** Live entries. */
  count: number;
}

/** An empty table. */
export function createLiveTable(): LiveTable {
  const t: LiveTable = { keys: new Float64Array(0), slots: new Int32Array(0), mask: -1, count: 0 };
  // Sized the way it grows (see resizeLiveTable).
  resizeLiveTable(t, MIN_LIVE_TABLE_ENTRIES);
  return t;
}

/** Home entry of user pointer mem (a multiple of 16 below 2^53): its 16-byte granule, mixed (Fibonacci hashing). */
function hashPointer(mem: number, mask: number): number {
  const g = mem / 16;
  const lo = g >>> 0;
  const hi = (g / 4294967296) >>> 0;
  const h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
  return (h ^ (h >>> 15)) & mask;
}

/**
 * True when mem can be a key: a multiple of 16 from 16 to below 2^53. mem / 16 is exact, so an integer quotient is
 * the multiple: `mem % 16` on a double is a call into C in V8's optimized code (~10 ns a free, measured).
 */
function isPointerKey(mem: number): boolean {
  const g = mem / 16;
  return mem >= 16 && mem < 2 ** 53 && g === Math.floor(g);
}

/** Entry holding mem, or −1. */
function findEntry(t: LiveTable, mem: number): number {
  const { keys, mask } = t;
  for (let k = hashPointer(mem, mask); ; k = (k + 1) & mask) {
    const key = keys[k]!;
    if (key === mem) return k;
    if (key === 0) return -1;
  }
}

/** Places mem → slot in an entry known to be absent (room guaranteed). */
function insertEntry(t: LiveTable, mem: number, slot: number): void {
  const { keys, mask } = t;
  let k = hashPointer(mem, mask);
  while (keys[k] !== 0) k = (k + 1) & mask;
  keys[k] = mem;
  t.slots[k] = slot;
}

/**
 * Makes the table `entries` long (a power of two holding count at most half full), re-placing every entry. The
 * first arrays come from here too: V8 then sees keys and slots change from the start and never compiles the first
 * arrays in as constants (the first growth threw away every function of the model compiled with them).
 */
function resizeLiveTable(t: LiveTable, entries: number): void {
  const { keys, slots } = t;
  t.keys = new Float64Array(entries);
  t.slots = new Int32Array(entries);
  t.mask = entries - 1;
  for (let k = 0; k < keys.length; k++) if (keys[k] !== 0) insertEntry(t, keys[k]!, slots[k]!);
}

/** The slot of user pointer mem, or −1 (any number: a pointer the program does not own is simply absent). */
export function readLiveTable(t: LiveTable, mem: number): number {
  if (!isPointerKey(mem)) return -1;
  const k = findEntry(t, mem);
  return k < 0 ? -1 : t.slots[k]!;
}

/**
 * Sets mem → slot. @returns true when mem was not there before. One probe run: the entry holding mem, or the
 * empty entry that ends the run, where mem goes unless the table must grow first (a malloc's pointer is new, so
 * a lookup and then an insert walked the same run twice).
 */
export function writeLiveTable(t: LiveTable, mem: number, slot: number): boolean {
  const { keys, mask } = t;
  let k = hashPointer(mem, mask);
  for (let key = keys[k]!; key !== 0; key = keys[k]!) {
    if (key === mem) {
      t.slots[k] = slot;
      return false;
    }
    k = (k + 1) & mask;
  }
  if ((t.count + 1) * 2 > mask + 1) {
    resizeLiveTable(t, (mask + 1) * 2);
    insertEntry(t, mem, slot);
  } else {
    keys[k] = mem;
    t.slots[k] = slot;
  }
  t.count++;
  return true;
}

/** Removes mem. @returns its slot, or −1 when it was not there. */
export function deleteLiveTable(t: LiveTable, mem: number): number {
  if (!isPointerKey(mem)) return -1;
  let hole = findEntry(t, mem);
  if (hole < 0) return -1;
  const { keys, slots, mask } = t;
  const slot = slots[hole]!;
  // Backward-shift deletion: move up every later entry of the run whose home is not between the hole and it.
  for (let k = (hole + 1) & mask; keys[k] !== 0; k = (k + 1) & mask) {
    const home = hashPointer(keys[k]!, mask);
    if (((k - home) & mask) >= ((k - hole) & mask)) {
      keys[hole] = keys[k]!;
      slots[hole] = slots[k]!;
      hole = k;
    }
  }
  keys[hole] = 0;
  t.count--;
  return slot;
}

/** Every live (mem, slot) pair, in address order (allocates; for checks and views). */
export function listLiveTable(t: LiveTable): { mem: number; slot: number }[] {
  const out: { mem: number; slot: number }[] = [];
  for (let k = 0; k <= t.mask; k++) if (t.keys[k] !== 0) out.push({ mem: t.keys[k]!, slot: t.slots[k]! });
  return out.sort((a, b) => a.mem - b.mem);
}
