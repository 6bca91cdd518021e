// Builds a Trace op by op for every reader (text bytes, JSON, ops packed from objects): typed arrays grown
// by doubling, ids mapped to dense slots, and the checks every form shares (a free of an id never seen,
// threads numbered in order of first appearance and silent after their exit). Semantics: trace-types.ts.

import { NO_SLOT, OP_FREE, OP_THREAD_EXIT, TRACE_OP_LETTERS, type Trace, TraceParseError } from './trace-types.js';

/** First capacity, in ops. */
const INITIAL_OPS = 1024;
/** Ids below this are mapped through an array (ids are usually small dense integers); larger ones through a Map. */
const DENSE_ID_LIMIT = 1 << 22;
/** denseSlots entry of an id not seen yet. */
const UNSEEN = -1;

/** Grows a trace under construction; `line` arguments (0: none) name the op in errors. */
export class TraceBuilder {
  length = 0;
  kinds = new Uint8Array(INITIAL_OPS);
  /** Int32 while every id fits (half the bytes of a double per op), Float64 from the first that does not. */
  ids: Int32Array | Float64Array = new Int32Array(INITIAL_OPS);
  slots = new Uint32Array(INITIAL_OPS);
  /** Uint32 while every size fits, Float64 from the first that does not. */
  sizes: Uint32Array | Float64Array = new Uint32Array(INITIAL_OPS);
  /** Allocated at the first op with a non-zero aux (calloc, memalign) or tid: a malloclab trace has none. */
  aux: Float64Array | null = null;
  tids: Uint32Array | null = null;
  /** Allocated by enableAddresses (the v2 header's `addresses`). */
  returned: Float64Array | null = null;
  slotCount = 0;
  header: number[] = [];
  version: 1 | 2 = 1;
  cpus: number | null = null;
  brk0: number | null = null;
  stdcxx = false;
  /** The whole text's size in bytes when known (0: unknown), and how much of it the ops so far took. */
  sizeHintBytes = 0;
  bytesDone = 0;
  /**
   * True when a malloclab (version 1) text's ops are taken chunk by chunk (takeOps): its arrays then hold one chunk,
   * so sizeHintBytes serves only traces read whole (sized for a 20 GB file, a 256 KiB chunk's arrays failed).
   */
  takesChunks = false;
  /** Ops handed out by takeOps before the ones held now: op i held is op opBase + i of the whole trace. */
  opBase: number;
  /** takeOps's aux and tids while no op has written one: zeros, never written. */
  private zeroAux = new Float64Array(0);
  private zeroTids = new Uint32Array(0);
  /** Ops the last takeOps handed out whose aux, tids and returned entries are not zeroed yet. */
  private takenOps: number;
  /** The thread the next op runs on (`@ TID`). */
  tid = 0;
  threadCount = 1;
  /** Per thread: the op index of its `x`, or −1 while it runs. */
  private exitOp: number[] = [-1];
  /** Slot of each id below DENSE_ID_LIMIT, UNSEEN when not seen yet. */
  private denseSlots = new Int32Array(INITIAL_OPS).fill(UNSEEN);
  /** Slots of ids from DENSE_ID_LIMIT up. */
  private sparseSlots = new Map<number, number>();

  constructor() {
    // Set here, not by their declarations: V8 sees them change (from undefined) from the start, so it never compiles
    // a 0 in as a constant, which the first takeOps threw away with the parser's compiled loop.
    this.opBase = 0;
    this.takenOps = 0;
  }

  /** Records what the real allocator returned from now on (0 for ops before). */
  enableAddresses(): void {
    this.returned ??= new Float64Array(this.kinds.length);
  }

  /** True when id has a slot (an earlier op used it). */
  hasId(id: number): boolean {
    return this.lookupSlot(id) !== UNSEEN;
  }

  /** `@ TID`: the following ops run on thread tid. */
  useThread(tid: number, line: number): void {
    this.noteThread(tid, line);
    this.tid = tid;
  }

  /** Appends an op that names an id (a, f, r, c, m) on the current thread. */
  push(kind: number, id: number, size: number, aux: number, returned: number, line: number): void {
    let slot = this.lookupSlot(id);
    if (slot === UNSEEN) {
      // It frees a pointer the trace never had: no real program does that with a pointer it holds.
      if (kind === OP_FREE) throw new TraceParseError(line, `free of unknown id ${id} at op ${this.opBase + this.length} (no earlier op allocated it)`);
      slot = this.addSlot(id);
    }
    const i = this.append(kind, this.tid, line);
    this.writeId(i, id);
    this.slots[i] = slot;
    this.writeSize(i, size);
    // The arrays start zeroed: zeros are not written, so a trace without calloc/memalign never touches aux's pages.
    if (aux !== 0) (this.aux ??= new Float64Array(this.kinds.length))[i] = aux;
    if (this.returned !== null && returned !== 0) this.returned[i] = returned;
  }

  /**
   * push for an op with no aux and no address (what most lines are), without the checks those need: the
   * same result as push(kind, id, size, 0, 0, line).
   */
  pushPlain(kind: number, id: number, size: number, line: number): void {
    let slot = id < this.denseSlots.length ? this.denseSlots[id]! : UNSEEN;
    if (slot === UNSEEN) slot = this.lookupSlot(id);
    const i = this.length;
    if (slot === UNSEEN || this.tid !== 0 || this.exitOp[0]! >= 0 || i === this.kinds.length || this.takenOps !== 0 || !this.plainFits(id, size)) {
      return this.push(kind, id, size, 0, 0, line);
    }
    this.length = i + 1;
    this.kinds[i] = kind;
    this.ids[i] = id;
    this.slots[i] = slot;
    this.sizes[i] = size;
  }

  /** True when id and size fit the ids and sizes arrays as they are (no widening needed). */
  private plainFits(id: number, size: number): boolean {
    return ((id | 0) === id || !(this.ids instanceof Int32Array)) && (size >>> 0 === size || !(this.sizes instanceof Uint32Array));
  }

  /** Appends an op that names no id: t (size = PAD) on the current thread, or x of thread `tid`. */
  pushIdless(kind: number, tid: number, size: number, line: number): void {
    if (kind === OP_THREAD_EXIT) this.noteThread(tid, line);
    const i = this.append(kind, tid, line);
    this.writeId(i, -1);
    this.slots[i] = NO_SLOT;
    this.writeSize(i, size);
    if (kind === OP_THREAD_EXIT) this.exitOp[tid] = this.opBase + i;
  }

  /**
   * The finished trace: views of the first `length` entries, no copy (the arrays' spare tail was never written,
   * so it costs address space, not memory).
   */
  finish(): Trace {
    const n = this.length;
    // Zeroed arrays never written cost address space, not memory.
    return this.viewOps(this.aux === null ? new Float64Array(n) : this.aux.subarray(0, n), this.tids === null ? new Uint32Array(n) : this.tids.subarray(0, n));
  }

  /** The ops held as a trace: views of the first `length` entries, with aux and tids given. */
  private viewOps(aux: Float64Array, tids: Uint32Array): Trace {
    return new TraceView(this, aux, tids);
  }

  /**
   * Streaming: the ops held so far as a trace of their own (op i of it is op opBase + i of the whole; slots and
   * slotCount count from the trace's start), then forgets them and reuses the arrays, so memory stays at one
   * chunk's ops. The trace returned is a view: read it before the next op is pushed.
   */
  takeOps(): Trace {
    this.takesChunks = true;
    const n = this.length;
    // aux and tids no op has written: one pair of zero arrays shared by every chunk, not fresh ones per chunk.
    if (this.aux === null && this.zeroAux.length < n) this.zeroAux = new Float64Array(this.kinds.length);
    if (this.tids === null && this.zeroTids.length < n) this.zeroTids = new Uint32Array(this.kinds.length);
    const taken = this.viewOps(this.aux === null ? this.zeroAux.subarray(0, n) : this.aux.subarray(0, n), this.tids === null ? this.zeroTids.subarray(0, n) : this.tids.subarray(0, n));
    this.opBase += this.length;
    this.takenOps = this.length;
    this.length = 0;
    return taken;
  }

  /** Zeroes what the last takeOps handed out in the arrays written only where non-zero, before they are reused. */
  private clearTaken(): void {
    const n = this.takenOps;
    this.takenOps = 0;
    this.aux?.fill(0, 0, n);
    this.tids?.fill(0, 0, n);
    this.returned?.fill(0, 0, n);
  }

  /** Claims op index i for an op of `kind` on thread tid, which must not have exited. */
  private append(kind: number, tid: number, line: number): number {
    const exited = this.exitOp[tid] ?? -1;
    if (exited >= 0) {
      throw new TraceParseError(line, `'${TRACE_OP_LETTERS[kind] ?? '?'}' on thread ${tid} at op ${this.opBase + this.length}, after the thread exited (op ${exited})`);
    }
    if (this.length === this.kinds.length) this.grow();
    if (this.takenOps !== 0) this.clearTaken();
    const i = this.length++;
    this.kinds[i] = kind;
    if (tid !== 0) (this.tids ??= new Uint32Array(this.kinds.length))[i] = tid; // zeroed already (see push)
    return i;
  }

  /** ids[i] = id, widening ids to Float64 first when id is no int32. */
  private writeId(i: number, id: number): void {
    if ((id | 0) !== id && this.ids instanceof Int32Array) this.ids = growArray(this.ids, new Float64Array(this.kinds.length));
    this.ids[i] = id;
  }

  /** sizes[i] = size, widening sizes to Float64 first when size is no uint32. */
  private writeSize(i: number, size: number): void {
    if (size >>> 0 !== size && this.sizes instanceof Uint32Array) this.sizes = growArray(this.sizes, new Float64Array(this.kinds.length));
    this.sizes[i] = size;
  }

  /** Counts a thread at its first appearance; threads appear in number order. */
  private noteThread(tid: number, line: number): void {
    if (tid < this.threadCount) return;
    if (tid > this.threadCount) {
      throw new TraceParseError(line, `thread ${tid} appears before thread ${this.threadCount} (threads are numbered 0, 1, 2 … in order of first appearance)`);
    }
    this.threadCount++;
    this.exitOp.push(-1);
  }

  private lookupSlot(id: number): number {
    if (id < DENSE_ID_LIMIT) return id < this.denseSlots.length ? this.denseSlots[id]! : UNSEEN;
    return this.sparseSlots.get(id) ?? UNSEEN;
  }

  private addSlot(id: number): number {
    const slot = this.slotCount++;
    if (id >= DENSE_ID_LIMIT) {
      this.sparseSlots.set(id, slot);
      return slot;
    }
    if (id >= this.denseSlots.length) {
      let n = this.denseSlots.length * 2;
      while (n <= id) n *= 2;
      const grown = new Int32Array(Math.min(n, DENSE_ID_LIMIT)).fill(UNSEEN);
      grown.set(this.denseSlots);
      this.denseSlots = grown;
    }
    this.denseSlots[id] = slot;
    return slot;
  }

  /** Doubles every per-op array, or sizes it for the whole text at once when its size is known (25 % spare). */
  private grow(): void {
    let n = this.kinds.length * 2;
    if (this.sizeHintBytes > 0 && this.bytesDone > 0 && !(this.takesChunks && this.version === 1)) {
      n = Math.max(n, Math.ceil((this.length / this.bytesDone) * this.sizeHintBytes * 1.25) + INITIAL_OPS);
    }
    this.kinds = growArray(this.kinds, new Uint8Array(n));
    this.ids = growArray(this.ids, this.ids instanceof Int32Array ? new Int32Array(n) : new Float64Array(n));
    this.slots = growArray(this.slots, new Uint32Array(n));
    this.sizes = growArray(this.sizes, this.sizes instanceof Uint32Array ? new Uint32Array(n) : new Float64Array(n));
    if (this.aux !== null) this.aux = growArray(this.aux, new Float64Array(n));
    if (this.tids !== null) this.tids = growArray(this.tids, new Uint32Array(n));
    if (this.returned !== null) this.returned = growArray(this.returned, new Float64Array(n));
  }
}

/**
 * A trace TraceBuilder hands out: views of the builder's first `length` entries (aux and tids given). A class, not
 * an object literal: V8 widens the field types of a literal's later copies to "any", which threw away the replay
 * code compiled on a streamed trace's first chunk when the second came; a constructor keeps them exact.
 */
class TraceView implements Trace {
  length: number;
  kinds: Uint8Array;
  ids: Float64Array | Int32Array;
  slots: Uint32Array;
  slotCount: number;
  header: number[];
  sizes: Float64Array | Uint32Array;
  aux: Float64Array;
  tids: Uint32Array;
  threadCount: number;
  version: 1 | 2;
  cpus: number | null;
  brk0: number | null;
  stdcxx: boolean;
  returned: Float64Array | null;

  constructor(b: TraceBuilder, aux: Float64Array, tids: Uint32Array) {
    const n = b.length;
    this.length = n;
    this.kinds = b.kinds.subarray(0, n);
    this.ids = b.ids.subarray(0, n);
    this.slots = b.slots.subarray(0, n);
    this.slotCount = b.slotCount;
    this.header = b.header;
    this.sizes = b.sizes.subarray(0, n);
    this.aux = aux;
    this.tids = tids;
    this.threadCount = b.threadCount;
    this.version = b.version;
    this.cpus = b.cpus;
    this.brk0 = b.brk0;
    this.stdcxx = b.stdcxx;
    this.returned = b.returned === null ? null : b.returned.subarray(0, n);
  }
}

/** Copies old into the front of grown (the same length or longer, of any element type holding old's values) and returns grown. */
function growArray<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(old: Uint8Array | Int32Array | Uint32Array | Float64Array, grown: T): T {
  grown.set(old as ArrayLike<number>);
  return grown;
}
