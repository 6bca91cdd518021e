// The OS as a user-space allocator sees it: one program break and anonymous mappings, as glibc's
// MORECORE/MMAP call brk(2), mmap(2), munmap(2), mremap(2). A call is refused (ENOMEM) as Linux's
// overcommit check refuses it: mm/util.c __vm_enough_memory charges each call on its own (brk and
// mmap their length, mremap its growth), and heuristic mode refuses a charge above MemTotal + SwapTotal.
// Mapping addresses are simulated (unique, above MMAP_REGION_START): the kernel's placement is not modelled.

import { type Meminfo } from '../../proc/meminfo.js';
import { PAGE_SIZE } from '../../units.js';

/** Simulated mapping addresses start here; heap offsets (from the heap start) always stay below. */
export const MMAP_REGION_START = 2 ** 44;

/** TASK_SIZE of x86-64 with 4-level page tables ((1 << 47) − PAGE_SIZE): no mapping (or heap) of a process can be longer. */
export const TASK_SIZE_BYTES = 2 ** 47 - PAGE_SIZE;

/** What a refused brk/mmap/mremap returns here (sbrk's and mmap's `(void *) -1`). */
export const MAP_FAILED = -1;

/**
 * The largest charge one brk/mmap/mremap call may make, from vm.overcommit_memory and /proc/meminfo
 * (kB): heuristic (0) refuses more than MemTotal + SwapTotal, always (1) only what no address space
 * holds, never (2) more than CommitLimit − Committed_AS (read once: the real limit moves with every
 * other process's commitments).
 */
export function computeMapLimitBytes(overcommitMemory: number, meminfo: Meminfo): number {
  const kb = (key: string): number => meminfo[key] ?? 0;
  if (overcommitMemory === 1) return TASK_SIZE_BYTES;
  if (overcommitMemory === 2) return Math.max(0, kb('CommitLimit') - kb('Committed_AS')) * 1024;
  return (kb('MemTotal') + kb('SwapTotal')) * 1024;
}

/**
 * Simulated brk and mmap state.
 *
 * Invariants: 0 ≤ brkBytes ≤ TASK_SIZE_BYTES; mappedBytes = Σ mappings.values(); every mapping
 * address ≥ MMAP_REGION_START and page-aligned, every length ≤ TASK_SIZE_BYTES; mappings never
 * overlap (addresses are never reused).
 */
export interface SimOs {
  /** The most one call may charge (computeMapLimitBytes); larger calls are refused. */
  mapLimitBytes: number;
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
  /** Number of mmap calls that mapped. */
  mmapCalls: number;
  /** Number of munmap calls. */
  munmapCalls: number;
  /** Number of mremap calls that succeeded. */
  mremapCalls: number;
  /** Number of brk, mmap and mremap calls refused with ENOMEM. */
  refusedCalls: number;
}

/** A fresh process: break at the heap start, no mappings; calls may charge up to mapLimitBytes each. */
export function createSimOs(mapLimitBytes: number = TASK_SIZE_BYTES): SimOs {
  return {
    mapLimitBytes,
    brkBytes: 0,
    peakBrkBytes: 0,
    mappings: new Map(),
    mappedBytes: 0,
    nextMmapAddress: MMAP_REGION_START,
    brkCalls: 0,
    mmapCalls: 0,
    munmapCalls: 0,
    mremapCalls: 0,
    refusedCalls: 0,
  };
}

/** True (and counted) when the kernel refuses a call charging chargeBytes for a mapping of lengthBytes. */
function isRefused(os: SimOs, chargeBytes: number, lengthBytes: number): boolean {
  if (chargeBytes <= os.mapLimitBytes && lengthBytes <= TASK_SIZE_BYTES) return false;
  os.refusedCalls++;
  return true;
}

/** sbrk(increment): moves the break and returns the old one (increment 0 just reads it), or MAP_FAILED. */
export function moveBreak(os: SimOs, incrementBytes: number): number {
  const old = os.brkBytes;
  if (incrementBytes > 0 && isRefused(os, incrementBytes, old + incrementBytes)) return MAP_FAILED;
  if (incrementBytes !== 0) {
    if (old + incrementBytes < 0) throw new RangeError(`brk below the heap start (${old} + ${incrementBytes})`);
    os.brkBytes = old + incrementBytes;
    if (os.brkBytes > os.peakBrkBytes) os.peakBrkBytes = os.brkBytes;
    os.brkCalls++;
  }
  return old;
}

/** mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS): returns the address, or MAP_FAILED. */
export function mapAnonymous(os: SimOs, lengthBytes: number): number {
  if (isRefused(os, lengthBytes, lengthBytes)) return MAP_FAILED;
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

/**
 * mremap(address, old, new, MREMAP_MAYMOVE): shrinks in place, grows by moving; returns the address,
 * or MAP_FAILED (the mapping unchanged) when the growth is refused.
 */
export function remapRegion(os: SimOs, address: number, oldLengthBytes: number, newLengthBytes: number): number {
  const len = os.mappings.get(address);
  if (len !== oldLengthBytes) throw new RangeError(`mremap of ${oldLengthBytes} bytes at ${address}: no such mapping`);
  if (newLengthBytes > oldLengthBytes && isRefused(os, newLengthBytes - oldLengthBytes, newLengthBytes)) return MAP_FAILED;
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
