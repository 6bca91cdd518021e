// How the labs (allocator, cache, TLB) write what shared/units.ts formatBytes does not: exact byte counts,
// heap offsets in hex as glibc's own debugging output shows pointers, and rates as percentages.
import { formatCount } from '../format.js';

/** Exact bytes with separators ("123,456 B"). */
export function formatExactBytes(bytes: number): string {
  return `${formatCount(bytes)} B`;
}

/** A heap offset or simulated address in hex ("0x2a0"). */
export function formatHexOffset(n: number): string {
  return `0x${n.toString(16)}`;
}

/** A fraction as a percentage: "87.5%", "0.012%", "0%". */
export function formatRate(fraction: number): string {
  if (fraction === 0 || fraction === 1) return `${fraction * 100}%`;
  if (fraction < 0.001) return `${(fraction * 100).toPrecision(2)}%`;
  return `${(fraction * 100).toFixed(fraction > 0.999 ? 3 : 1)}%`;
}
