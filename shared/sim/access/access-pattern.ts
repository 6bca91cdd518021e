// Memory access patterns as the cache and TLB simulators consume them: a stream of (address, size, read|write)
// pushed into a sink. Addresses are plain numbers in the hot path, exact up to MAX_SIM_ADDRESS (2^53 - 1;
// x86-64 user space ends at 2^47): every entry point (pattern layouts, access lists) refuses anything above.

/** Receives every access of a pattern, in program order. */
export interface AccessSink {
  /** One data access of sizeBytes at address (a load when isWrite is false, a store otherwise). */
  access(address: number, sizeBytes: number, isWrite: boolean): void;
}

/** One buffer a pattern walks, for display (heat strips, TLB reach against footprint). */
export interface PatternBuffer {
  name: string;
  /** First byte. */
  base: number;
  sizeBytes: number;
}

/** A replayable access pattern: run() pushes the same accesses every time it is called. */
export interface AccessPattern {
  /** Name and parameters, e.g. "row-major rows=256 cols=256". */
  label: string;
  /** Number of sink.access calls one run() makes. */
  accessCount: number;
  /** The buffers the accesses fall in (sum of their sizes is the footprint). */
  buffers: PatternBuffer[];
  /** Pushes every access into sink. */
  run(sink: AccessSink): void;
}

/** Highest address a simulated access may reach: 2^53 - 1, the last integer a number holds exactly. */
export const MAX_SIM_ADDRESS = Number.MAX_SAFE_INTEGER;

/**
 * Most accesses one run may replay, for one pattern and for all of a command's patterns together: about a minute
 * at the cache model's 20–40 M accesses/s (more when every access misses every level).
 */
export const MAX_PATTERN_ACCESSES = 1e9;

/**
 * Returns `accessCount` when a pattern making that many accesses may run; throws RangeError naming the bound.
 * Pattern factories call it before they allocate or precompute anything.
 */
export function requireAccessCount(accessCount: number): number {
  if (!(accessCount <= MAX_PATTERN_ACCESSES)) {
    throw new RangeError(`${accessCount} accesses, more than ${MAX_PATTERN_ACCESSES} (the simulator's bound)`);
  }
  return accessCount;
}

/**
 * A list of accesses packed into typed arrays (no per-access objects).
 *
 * Invariants: addresses, sizes and writes all have `length` entries; 0 <= addresses[i] and
 * addresses[i] + sizes[i] - 1 <= MAX_SIM_ADDRESS; sizes[i] >= 1; writes[i] ∈ {0, 1}.
 */
export interface AccessList {
  length: number;
  addresses: Float64Array;
  sizes: Uint32Array;
  writes: Uint8Array;
}

/** Sum of the buffers' sizes: the bytes a pattern can touch. */
export function sumFootprintBytes(pattern: AccessPattern): number {
  let total = 0;
  for (const b of pattern.buffers) total += b.sizeBytes;
  return total;
}

/** Wraps an AccessList as a pattern; its one buffer spans the lowest to the highest byte accessed. */
export function createListPattern(list: AccessList, label = 'custom'): AccessPattern {
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < list.length; i++) {
    const a = list.addresses[i]!;
    if (a < low) low = a;
    if (a + list.sizes[i]! > high) high = a + list.sizes[i]!;
  }
  const buffers = list.length === 0 ? [] : [{ name: 'accessed range', base: low, sizeBytes: high - low }];
  return {
    label: `${label} (${list.length} accesses)`,
    accessCount: list.length,
    buffers,
    run(sink: AccessSink): void {
      const { addresses, sizes, writes } = list;
      for (let i = 0; i < list.length; i++) sink.access(addresses[i]!, sizes[i]!, writes[i] === 1);
    },
  };
}

/** Records a pattern's accesses into an AccessList (tests and small custom traces; costs 13 bytes per access). */
export function recordPattern(pattern: AccessPattern): AccessList {
  const list: AccessList = {
    length: 0,
    addresses: new Float64Array(pattern.accessCount),
    sizes: new Uint32Array(pattern.accessCount),
    writes: new Uint8Array(pattern.accessCount),
  };
  pattern.run({
    access(address: number, sizeBytes: number, isWrite: boolean): void {
      const i = list.length++;
      list.addresses[i] = address;
      list.sizes[i] = sizeBytes;
      list.writes[i] = isWrite ? 1 : 0;
    },
  });
  return list;
}
