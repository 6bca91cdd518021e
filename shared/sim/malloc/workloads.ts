// Built-in allocation workloads (seeded, reproducible) for the Allocator lab, benchmarks and the
// random-program tests, with the trace semantics of shared/sim/trace.ts. Source of truth: issue 4's
// list (many small objects, growing buffer, producer/consumer, fragmentation, big-object churn).

import { createRng, type Rng } from '../rng.js';
import { type Trace, type TraceOp, packTraceOps } from '../trace.js';

/** Options shared by all workloads. */
export interface WorkloadOptions {
  /** PRNG seed (same seed, same trace). */
  seed: number;
  /** Approximate number of ops. */
  opCount: number;
}

/** One built-in workload. */
export interface WorkloadDefinition {
  /** Stable name, e.g. "many-small". */
  name: string;
  /** One sentence for the UI. */
  description: string;
  /** Generates the ops. */
  generate: (rng: Rng, opCount: number) => TraceOp[];
}

/** Picks a request size from a mix that exercises every path of a ptmalloc-style allocator. */
function pickMixedSize(rng: Rng): number {
  const r = rng.nextFloat();
  if (r < 0.45) return rng.nextInt(0, 130); // tcache/fastbin sizes
  if (r < 0.7) return rng.nextInt(130, 1100); // rest of tcache, smallbins
  if (r < 0.88) return rng.nextInt(1000, 70000); // largebins
  if (r < 0.97) return rng.nextInt(70000, 400000); // around the (dynamic) mmap threshold
  return rng.nextInt(400000, 4000000); // big mmaps
}

/** What an id of a generated program holds (trace.ts semantics: a freed id keeps its dangling pointer); 0 = unused. */
const ID_LIVE = 1;
const ID_FREED = 2;
const ID_NULL = 3;

/** Random program: malloc/free/realloc of mixed sizes over a pool of live ids, plus the odd leak, free(NULL) and realloc(p, 0). */
function generateRandomProgram(rng: Rng, opCount: number): TraceOp[] {
  const ops: TraceOp[] = [];
  const idCount = Math.max(8, Math.floor(Math.sqrt(opCount) * 4));
  const state = new Uint8Array(idCount);
  // Phases shift the balance between allocating and freeing, so the heap grows, shrinks and trims.
  let allocBias = 0.6;
  for (let i = 0; i < opCount; i++) {
    if (i % 500 === 0) allocBias = 0.35 + rng.nextFloat() * 0.4;
    const id = rng.nextInt(0, idCount);
    const r = rng.nextFloat();
    if (state[id] !== ID_LIVE) {
      // free(NULL) and realloc(NULL, n) need an id holding NULL (or unused); a freed id is only reassigned.
      if (r < 0.02 && state[id] === ID_NULL) ops.push({ op: 'f', id });
      else if (r < 0.1 && state[id] !== ID_FREED) { ops.push({ op: 'r', id, size: pickMixedSize(rng) }); state[id] = ID_LIVE; }
      else { ops.push({ op: 'a', id, size: pickMixedSize(rng) }); state[id] = ID_LIVE; }
    } else if (r < 1 - allocBias) {
      ops.push({ op: 'f', id });
      state[id] = ID_FREED;
    } else if (r < 1 - allocBias + 0.25) {
      const q = rng.nextFloat();
      const size = q < 0.05 ? 0 : q < 0.5 ? pickMixedSize(rng) : rng.nextInt(1, 3000);
      ops.push({ op: 'r', id, size });
      state[id] = size === 0 ? ID_NULL : ID_LIVE;
    } else if (r < 1 - allocBias + 0.255) {
      ops.push({ op: 'a', id, size: rng.nextInt(1, 1100) }); // leaks the old block (rarely, and small ones, so the heap stays bounded)
    } else {
      ops.push({ op: 'f', id });
      state[id] = ID_FREED;
    }
  }
  return ops;
}

function generateManySmall(rng: Rng, opCount: number): TraceOp[] {
  const ops: TraceOp[] = [];
  const ids: number[] = [];
  let nextId = 0;
  while (ops.length < opCount) {
    if (ids.length === 0 || rng.nextFloat() < 0.55) {
      ops.push({ op: 'a', id: nextId, size: rng.nextInt(1, 200) });
      ids.push(nextId++);
    } else {
      const k = rng.nextInt(0, ids.length);
      ops.push({ op: 'f', id: ids[k]! });
      ids[k] = ids[ids.length - 1]!;
      ids.pop();
    }
  }
  return ops;
}

function generateGrowingBuffer(rng: Rng, opCount: number): TraceOp[] {
  const ops: TraceOp[] = [];
  let id = 0;
  while (ops.length < opCount) {
    let size = rng.nextInt(16, 256);
    ops.push({ op: 'a', id, size });
    const steps = rng.nextInt(5, 40);
    for (let s = 0; s < steps && ops.length < opCount && size < 4 * 1024 * 1024; s++) {
      size = Math.floor(size * (1.2 + rng.nextFloat())) + 1;
      ops.push({ op: 'r', id, size });
      // small objects interleaved, as a program building a buffer would allocate
      if (rng.nextFloat() < 0.5) {
        ops.push({ op: 'a', id: id + 1, size: rng.nextInt(8, 100) });
        ops.push({ op: 'f', id: id + 1 });
      }
    }
    ops.push({ op: 'f', id });
    id += 2;
  }
  return ops;
}

function generateProducerConsumer(rng: Rng, opCount: number): TraceOp[] {
  const ops: TraceOp[] = [];
  const queue: number[] = [];
  let nextId = 0;
  while (ops.length < opCount) {
    const produce = queue.length < 4 || (queue.length < 400 && rng.nextFloat() < 0.5);
    if (produce) {
      ops.push({ op: 'a', id: nextId, size: rng.nextInt(32, 4096) });
      queue.push(nextId++);
    } else {
      ops.push({ op: 'f', id: queue.shift()! });
    }
  }
  return ops;
}

function generateFragmentation(rng: Rng, opCount: number): TraceOp[] {
  const ops: TraceOp[] = [];
  let base = 0;
  while (ops.length < opCount) {
    const n = rng.nextInt(50, 300);
    for (let k = 0; k < n; k++) ops.push({ op: 'a', id: base + k, size: rng.nextInt(16, 512) });
    for (let k = 0; k < n; k += 2) ops.push({ op: 'f', id: base + k });
    for (let k = 0; k < n / 4; k++) ops.push({ op: 'a', id: base + n + k, size: rng.nextInt(600, 2000) });
    for (let k = 1; k < n; k += 2) ops.push({ op: 'f', id: base + k });
    for (let k = 0; k < n / 4; k++) ops.push({ op: 'f', id: base + n + k });
    base += 2 * n;
  }
  return ops.slice(0, opCount);
}

function generateBigChurn(rng: Rng, opCount: number): TraceOp[] {
  const ops: TraceOp[] = [];
  const live = new Uint8Array(16);
  while (ops.length < opCount) {
    const id = rng.nextInt(0, 16);
    const size = rng.nextInt(100 * 1024, 3 * 1024 * 1024);
    if (live[id]) {
      if (rng.nextFloat() < 0.3) ops.push({ op: 'r', id, size });
      else { ops.push({ op: 'f', id }); live[id] = 0; }
    } else {
      ops.push({ op: 'a', id, size });
      live[id] = 1;
    }
  }
  return ops;
}

/** The built-in workloads, by name. */
export const WORKLOADS: readonly WorkloadDefinition[] = [
  { name: 'random', description: 'A random program: mixed sizes from 0 B to 4 MB, malloc/free/realloc, leaks and realloc(p, 0).', generate: generateRandomProgram },
  { name: 'many-small', description: 'Many small objects (1–200 B) allocated and freed in random order: tcache and fastbins.', generate: generateManySmall },
  { name: 'growing-buffer', description: 'Buffers grown with realloc by 1.2–2.2× up to about 4 MB, with small allocations in between.', generate: generateGrowingBuffer },
  { name: 'producer-consumer', description: 'A FIFO queue of 32 B–4 KB messages: allocated at one end, freed at the other.', generate: generateProducerConsumer },
  { name: 'fragmentation', description: 'Allocate runs, free every other block, then ask for bigger blocks that do not fit the holes.', generate: generateFragmentation },
  { name: 'big-churn', description: 'Objects of 100 KB–3 MB around the mmap threshold: watch the dynamic threshold rise.', generate: generateBigChurn },
];

/** Generates the named workload as a trace. @throws RangeError for an unknown name. */
export function generateWorkload(name: string, options: WorkloadOptions): Trace {
  const w = WORKLOADS.find((d) => d.name === name);
  if (w === undefined) throw new RangeError(`unknown workload '${name}' (known: ${WORKLOADS.map((d) => d.name).join(', ')})`);
  return packTraceOps(w.generate(createRng(options.seed), options.opCount));
}
