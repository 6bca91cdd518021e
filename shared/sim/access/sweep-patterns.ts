// Generic access patterns for the TLB (and cache) models: a sequential or strided sweep over a buffer, repeated
// passes, and seeded random accesses. Every access is an 8-byte load.

import { createRng } from '../rng.js';
import { requireAccessCount, type AccessPattern, type AccessSink } from './access-pattern.js';
import { layOutBuffers } from './patterns.js';

/** Bytes per access of these patterns. */
export const SWEEP_ACCESS_BYTES = 8;

/** A sweep: passes × (bytes / strideBytes) loads at base, base + stride, …. */
export interface StridedParams {
  bytes: number;
  strideBytes: number;
  passes: number;
  bases?: readonly number[];
}

function requirePositive(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${what} must be a positive integer, not ${value}`);
  return value;
}

/** `for pass < passes: for off = 0; off < bytes; off += stride: load base + off`. Sequential when stride is 8. */
export function createStridedPattern(p: StridedParams, name = 'strided'): AccessPattern {
  const bytes = requirePositive(p.bytes, 'bytes');
  const stride = requirePositive(p.strideBytes, 'stride');
  const passes = requirePositive(p.passes, 'passes');
  const perPass = Math.ceil(bytes / stride);
  const accessCount = requireAccessCount(passes * perPass);
  const buffers = layOutBuffers([{ name: 'buffer', sizeBytes: bytes }], p.bases);
  const base = buffers[0]!.base;
  return {
    label: `${name} bytes=${bytes} stride=${stride} passes=${passes}`,
    accessCount,
    buffers,
    run(sink: AccessSink): void {
      for (let pass = 0; pass < passes; pass++) {
        for (let off = 0; off < bytes; off += stride) sink.access(base + off, SWEEP_ACCESS_BYTES, false);
      }
    },
  };
}

/** Random loads: count 8-byte loads at uniformly chosen 8-byte slots of a buffer. */
export interface RandomParams {
  bytes: number;
  count: number;
  seed: number;
  bases?: readonly number[];
}

/** Seeded uniformly random 8-byte loads over a buffer (xoshiro128** of rng.ts: the same seed, the same addresses). */
export function createRandomPattern(p: RandomParams): AccessPattern {
  const bytes = requirePositive(p.bytes, 'bytes');
  const count = requireAccessCount(requirePositive(p.count, 'count'));
  const slots = Math.floor(bytes / SWEEP_ACCESS_BYTES);
  if (slots < 1) throw new RangeError(`bytes must be at least ${SWEEP_ACCESS_BYTES}`);
  const buffers = layOutBuffers([{ name: 'buffer', sizeBytes: bytes }], p.bases);
  const base = buffers[0]!.base;
  return {
    label: `random bytes=${bytes} count=${count} seed=${p.seed}`,
    accessCount: count,
    buffers,
    run(sink: AccessSink): void {
      const rng = createRng(p.seed);
      for (let i = 0; i < count; i++) sink.access(base + rng.nextInt(0, slots) * SWEEP_ACCESS_BYTES, SWEEP_ACCESS_BYTES, false);
    },
  };
}
