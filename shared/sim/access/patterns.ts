// Built-in patterns that show temporal and spatial locality, access for access as the C loops in
// tests/harness/cache-patterns.c perform them at -O2 -fno-tree-vectorize (one 8-byte load or store per element,
// loop counters in registers): row- vs column-major matrix sums, array vs linked-list walks, array-of-structs vs
// struct-of-arrays field sums, naive vs blocked matrix multiply.

import { PAGE_SIZE } from '../../units.js';
import { createRng } from '../rng.js';
import { MAX_SIM_ADDRESS, requireAccessCount, type AccessPattern, type AccessSink, type PatternBuffer } from './access-pattern.js';

/** Bytes of every element (long or double). */
export const ELEMENT_BYTES = 8;
/** Where the first buffer starts when no bases are given. */
export const DEFAULT_BASE_ADDRESS = 0x10000000;
/** A list node: `struct node { struct node *next; long value; }` padded to nodeBytes. */
export const NODE_NEXT_OFFSET = 0;
/** Offset of a node's value field. */
export const NODE_VALUE_OFFSET = 8;

/**
 * Lays buffers out: at the given bases, or one after another from DEFAULT_BASE_ADDRESS, each on a page
 * boundary. Throws RangeError when a buffer would pass MAX_SIM_ADDRESS or a base is missing/negative.
 */
export function layOutBuffers(specs: readonly { name: string; sizeBytes: number }[], bases?: readonly number[]): PatternBuffer[] {
  let next = DEFAULT_BASE_ADDRESS;
  return specs.map((spec, i) => {
    const base = bases === undefined ? next : bases[i];
    if (base === undefined || !Number.isInteger(base) || base < 0) throw new RangeError(`no valid base address for buffer ${spec.name}`);
    if (base + spec.sizeBytes - 1 > MAX_SIM_ADDRESS) throw new RangeError(`buffer ${spec.name} passes 2^53`);
    next = Math.ceil((base + spec.sizeBytes) / PAGE_SIZE) * PAGE_SIZE; // each buffer starts on the next page
    return { name: spec.name, base, sizeBytes: spec.sizeBytes };
  });
}

function requireCount(value: number, what: string, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${what} must be an integer >= ${min}, not ${value}`);
  return value;
}

/** Parameters of a matrix traversal. */
export interface MatrixParams {
  rows: number;
  cols: number;
  /** The matrix's first byte (default layout otherwise). */
  bases?: readonly number[];
}

/** Sums a rows × cols matrix of longs row by row: `for i for j s += a[i*cols + j]` (consecutive addresses). */
export function createRowMajorPattern(p: MatrixParams): AccessPattern {
  const rows = requireCount(p.rows, 'rows');
  const cols = requireCount(p.cols, 'cols');
  const accessCount = requireAccessCount(rows * cols);
  const buffers = layOutBuffers([{ name: 'matrix', sizeBytes: rows * cols * ELEMENT_BYTES }], p.bases);
  const base = buffers[0]!.base;
  return {
    label: `row-major rows=${rows} cols=${cols}`,
    accessCount,
    buffers,
    run(sink: AccessSink): void {
      for (let i = 0; i < rows; i++) {
        const row = base + i * cols * ELEMENT_BYTES;
        for (let j = 0; j < cols; j++) sink.access(row + j * ELEMENT_BYTES, ELEMENT_BYTES, false);
      }
    },
  };
}

/** Sums the same matrix column by column: `for j for i s += a[i*cols + j]` (a stride of cols × 8 bytes). */
export function createColMajorPattern(p: MatrixParams): AccessPattern {
  const rows = requireCount(p.rows, 'rows');
  const cols = requireCount(p.cols, 'cols');
  const accessCount = requireAccessCount(rows * cols);
  const buffers = layOutBuffers([{ name: 'matrix', sizeBytes: rows * cols * ELEMENT_BYTES }], p.bases);
  const base = buffers[0]!.base;
  const strideBytes = cols * ELEMENT_BYTES;
  return {
    label: `col-major rows=${rows} cols=${cols}`,
    accessCount,
    buffers,
    run(sink: AccessSink): void {
      for (let j = 0; j < cols; j++) {
        const column = base + j * ELEMENT_BYTES;
        for (let i = 0; i < rows; i++) sink.access(column + i * strideBytes, ELEMENT_BYTES, false);
      }
    },
  };
}

/** Parameters of a node-pool walk. */
export interface WalkParams {
  /** Nodes in the pool. */
  count: number;
  /** Bytes per node: a multiple of 8, at least 16 (next pointer + value). */
  nodeBytes: number;
  /** Seeds the list's visiting order (list walk only). */
  seed?: number;
  bases?: readonly number[];
}

function requireNodeBytes(nodeBytes: number): number {
  requireCount(nodeBytes, 'nodeBytes', 16);
  if (nodeBytes % 8 !== 0) throw new RangeError(`nodeBytes must be a multiple of 8, not ${nodeBytes}`);
  return nodeBytes;
}

/** Reads each node's value in address order: `for i s += pool[i].value`. */
export function createArrayWalkPattern(p: WalkParams): AccessPattern {
  const count = requireCount(p.count, 'count');
  const nodeBytes = requireNodeBytes(p.nodeBytes);
  const accessCount = requireAccessCount(count);
  const buffers = layOutBuffers([{ name: 'nodes', sizeBytes: count * nodeBytes }], p.bases);
  const base = buffers[0]!.base;
  return {
    label: `array-walk count=${count} node=${nodeBytes}`,
    accessCount,
    buffers,
    run(sink: AccessSink): void {
      for (let i = 0; i < count; i++) sink.access(base + i * nodeBytes + NODE_VALUE_OFFSET, ELEMENT_BYTES, false);
    },
  };
}

/** Most nodes of a list walk: its shuffled visiting order takes 4 bytes per node (256 MiB at the bound). */
export const MAX_LIST_NODES = 1 << 26;

/** A random permutation of 0 … count-1 (Fisher–Yates over the seeded xoshiro128** stream of rng.ts). */
export function shuffleOrder(count: number, seed: number): Uint32Array {
  const order = new Uint32Array(requireCount(count, 'count'));
  for (let i = 0; i < count; i++) order[i] = i;
  const rng = createRng(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.nextInt(0, i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/**
 * Follows a linked list threaded through the same pool in a shuffled order:
 * `for (p = head; p; p = p->next) s += p->value` — per node the value, then the next pointer.
 */
export function createListWalkPattern(p: WalkParams): AccessPattern {
  const count = requireCount(p.count, 'count');
  const nodeBytes = requireNodeBytes(p.nodeBytes);
  const seed = p.seed ?? 1;
  const accessCount = requireAccessCount(2 * count);
  if (count > MAX_LIST_NODES) throw new RangeError(`count ${count} is more than ${MAX_LIST_NODES} nodes (the simulator's bound: 4 bytes of visiting order per node)`);
  const buffers = layOutBuffers([{ name: 'nodes', sizeBytes: count * nodeBytes }], p.bases);
  const base = buffers[0]!.base;
  return {
    label: `list-walk count=${count} node=${nodeBytes} seed=${seed}`,
    accessCount,
    buffers,
    run(sink: AccessSink): void {
      // Shuffled per run, not kept: a command holding many big walks holds one order at a time.
      const order = shuffleOrder(count, seed);
      for (let k = 0; k < count; k++) {
        const node = base + order[k]! * nodeBytes;
        sink.access(node + NODE_VALUE_OFFSET, ELEMENT_BYTES, false);
        sink.access(node + NODE_NEXT_OFFSET, ELEMENT_BYTES, false);
      }
    },
  };
}

/** Parameters of the field sums. */
export interface FieldSumParams {
  /** Records. */
  count: number;
  /** 8-byte fields per record. */
  fields: number;
  /** Fields summed per record: fields 0 … read-1. */
  read: number;
  bases?: readonly number[];
}

function requireFields(p: FieldSumParams): void {
  requireCount(p.count, 'count');
  requireCount(p.fields, 'fields');
  requireCount(p.read, 'read');
  if (p.read > p.fields) throw new RangeError(`read (${p.read}) must not exceed fields (${p.fields})`);
}

/** Array of structs: `for i for f < read: s += recs[i].field[f]` (records of fields × 8 bytes, back to back). */
export function createAosPattern(p: FieldSumParams): AccessPattern {
  requireFields(p);
  const { count, fields, read } = p;
  const accessCount = requireAccessCount(count * read);
  const buffers = layOutBuffers([{ name: 'records', sizeBytes: count * fields * ELEMENT_BYTES }], p.bases);
  const base = buffers[0]!.base;
  const recordBytes = fields * ELEMENT_BYTES;
  return {
    label: `aos count=${count} fields=${fields} read=${read}`,
    accessCount,
    buffers,
    run(sink: AccessSink): void {
      for (let i = 0; i < count; i++) {
        const rec = base + i * recordBytes;
        for (let f = 0; f < read; f++) sink.access(rec + f * ELEMENT_BYTES, ELEMENT_BYTES, false);
      }
    },
  };
}

/** Struct of arrays: one array of count longs per field, back to back: `for i for f < read: s += field[f][i]`. */
export function createSoaPattern(p: FieldSumParams): AccessPattern {
  requireFields(p);
  const { count, fields, read } = p;
  const accessCount = requireAccessCount(count * read);
  const buffers = layOutBuffers([{ name: 'field arrays', sizeBytes: count * fields * ELEMENT_BYTES }], p.bases);
  const base = buffers[0]!.base;
  const arrayBytes = count * ELEMENT_BYTES;
  return {
    label: `soa count=${count} fields=${fields} read=${read}`,
    accessCount,
    buffers,
    run(sink: AccessSink): void {
      for (let i = 0; i < count; i++) {
        const at = base + i * ELEMENT_BYTES;
        for (let f = 0; f < read; f++) sink.access(at + f * arrayBytes, ELEMENT_BYTES, false);
      }
    },
  };
}

/** Parameters of a matrix multiply C = A × B of n × n doubles (bases: A, B, C). */
export interface MatmulParams {
  n: number;
  /** Tile edge of the blocked version; divides n. */
  block?: number;
  bases?: readonly number[];
}

function layOutMatmul(n: number, bases?: readonly number[]): PatternBuffer[] {
  const sizeBytes = n * n * ELEMENT_BYTES;
  return layOutBuffers([{ name: 'A', sizeBytes }, { name: 'B', sizeBytes }, { name: 'C', sizeBytes }], bases);
}

/** `for i for j { s = 0; for k s += A[i][k] * B[k][j]; C[i][j] = s; }`: per k a load of A then of B, then one store. */
export function createMatmulNaivePattern(p: MatmulParams): AccessPattern {
  const n = requireCount(p.n, 'n');
  const accessCount = requireAccessCount(2 * n * n * n + n * n);
  const buffers = layOutMatmul(n, p.bases);
  const [a, b, c] = buffers.map((buf) => buf.base) as [number, number, number];
  const rowBytes = n * ELEMENT_BYTES;
  return {
    label: `matmul-naive n=${n}`,
    accessCount,
    buffers,
    run(sink: AccessSink): void {
      for (let i = 0; i < n; i++) {
        const aRow = a + i * rowBytes;
        for (let j = 0; j < n; j++) {
          const bCol = b + j * ELEMENT_BYTES;
          for (let k = 0; k < n; k++) {
            sink.access(aRow + k * ELEMENT_BYTES, ELEMENT_BYTES, false);
            sink.access(bCol + k * rowBytes, ELEMENT_BYTES, false);
          }
          sink.access(c + i * rowBytes + j * ELEMENT_BYTES, ELEMENT_BYTES, true);
        }
      }
    },
  };
}

/**
 * Tiled: `for ii for jj for kk for i in tile for j in tile { s = C[i][j]; for k in tile s += A[i][k] * B[k][j];
 * C[i][j] = s; }` — per (i, j) a load of C, per k a load of A then of B, then a store of C.
 */
export function createMatmulBlockedPattern(p: MatmulParams): AccessPattern {
  const n = requireCount(p.n, 'n');
  const bs = requireCount(p.block ?? 16, 'block');
  if (n % bs !== 0) throw new RangeError(`block (${bs}) must divide n (${n})`);
  const tiles = n / bs;
  const accessCount = requireAccessCount(2 * n * n * n + 2 * n * n * tiles);
  const buffers = layOutMatmul(n, p.bases);
  const [a, b, c] = buffers.map((buf) => buf.base) as [number, number, number];
  const rowBytes = n * ELEMENT_BYTES;
  return {
    label: `matmul-blocked n=${n} block=${bs}`,
    accessCount,
    buffers,
    run(sink: AccessSink): void {
      for (let ii = 0; ii < n; ii += bs) {
        for (let jj = 0; jj < n; jj += bs) {
          for (let kk = 0; kk < n; kk += bs) {
            for (let i = ii; i < ii + bs; i++) {
              const aTile = a + i * rowBytes + kk * ELEMENT_BYTES;
              const cRow = c + i * rowBytes;
              for (let j = jj; j < jj + bs; j++) {
                const bTile = b + kk * rowBytes + j * ELEMENT_BYTES;
                const cAt = cRow + j * ELEMENT_BYTES;
                sink.access(cAt, ELEMENT_BYTES, false);
                for (let k = 0; k < bs; k++) {
                  sink.access(aTile + k * ELEMENT_BYTES, ELEMENT_BYTES, false);
                  sink.access(bTile + k * rowBytes, ELEMENT_BYTES, false);
                }
                sink.access(cAt, ELEMENT_BYTES, true);
              }
            }
          }
        }
      }
    },
  };
}
