// The OS as a user-space allocator sees it: one program break and anonymous mappings, as glibc's
// MORECORE/MMAP call brk(2), mmap(2), munmap(2), mremap(2). Memory is never refused, and mapping
// addresses are simulated (unique, above MMAP_REGION_START): the kernel's placement is not modelled.

/** Simulated mapping addresses start here; heap offsets (from the heap start) always stay below. */
export const MMAP_REGION_START = 2 ** 44;

/**
 * Simulated brk and mmap state.
 *
 * Invariants: brkBytes ≥ 0; mappedBytes = Σ mappings.values(); every mapping address ≥
 * MMAP_REGION_START and page-aligned; mappings never overlap (addresses are never reused).
 */
export interface SimOs {
  /** Current program break minus the heap start (the break of the fresh process). */
  brkBytes: number;
  /** Highest break seen. */
  peakBrkBytes: number;
  /** Live mappings: address → length in bytes. */
  mappings: Map<number, number>;
  /** Bytes in live mappings. */
  mappedBytes: number;
  /** Next address handed out by mmap. */
  nextMmapAddress: number;
  /** Number of brk calls that moved the break (either way). */
  brkCalls: number;
  /** Number of mmap calls. */
  mmapCalls: number;
  /** Number of munmap calls. */
  munmapCalls: number;
  /** Number of mremap calls. */
  mremapCalls: number;
}

/** A fresh process: break at the heap start, no mappings. */
export function createSimOs(): SimOs {
  return {
    brkBytes: 0,
    peakBrkBytes: 0,
    mappings: new Map(),
    mappedBytes: 0,
    nextMmapAddress: MMAP_REGION_START,
    brkCalls: 0,
    mmapCalls: 0,
    munmapCalls: 0,
    mremapCalls: 0,
  };
}

/** sbrk(increment): moves the break and returns the old one (increment 0 just reads it). */
export function moveBreak(os: SimOs, incrementBytes: number): number {
  const old = os.brkBytes;
  if (incrementBytes !== 0) {
    if (old + incrementBytes < 0) throw new RangeError(`brk below the heap start (${old} + ${incrementBytes})`);
    os.brkBytes = old + incrementBytes;
    if (os.brkBytes > os.peakBrkBytes) os.peakBrkBytes = os.brkBytes;
    os.brkCalls++;
  }
  return old;
}

/** mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS): returns the address. */
export function mapAnonymous(os: SimOs, lengthBytes: number): number {
  const address = os.nextMmapAddress;
  os.nextMmapAddress += lengthBytes;
  os.mappings.set(address, lengthBytes);
  os.mappedBytes += lengthBytes;
  os.mmapCalls++;
  return address;
}

/** munmap(address, length) of a whole mapping made by mapAnonymous. */
export function unmapRegion(os: SimOs, address: number, lengthBytes: number): void {
  const len = os.mappings.get(address);
  if (len !== lengthBytes) throw new RangeError(`munmap of ${lengthBytes} bytes at ${address}: no such mapping`);
  os.mappings.delete(address);
  os.mappedBytes -= lengthBytes;
  os.munmapCalls++;
}

/** mremap(address, old, new, MREMAP_MAYMOVE): shrinks in place, grows by moving; returns the address. */
export function remapRegion(os: SimOs, address: number, oldLengthBytes: number, newLengthBytes: number): number {
  const len = os.mappings.get(address);
  if (len !== oldLengthBytes) throw new RangeError(`mremap of ${oldLengthBytes} bytes at ${address}: no such mapping`);
  os.mremapCalls++;
  os.mappedBytes += newLengthBytes - oldLengthBytes;
  if (newLengthBytes <= oldLengthBytes) {
    os.mappings.set(address, newLengthBytes);
    return address;
  }
  os.mappings.delete(address);
  const moved = os.nextMmapAddress;
  os.nextMmapAddress += newLengthBytes;
  os.mappings.set(moved, newLengthBytes);
  return moved;
}
