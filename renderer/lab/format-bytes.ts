// Byte sizes as the allocator views print them: "40 B" below a KiB, top-style IEC sizes above ("1.2 MiB"),
// and heap offsets in hex ("0x2a0") as glibc's own debugging output shows pointers.
import { formatCount, formatHumanKb } from '../format.js';

/** "40 B", "1.5 KiB", "12.1 MiB". */
export function formatBytes(bytes: number): string {
  return Math.abs(bytes) < 1024 ? `${bytes} B` : formatHumanKb(bytes / 1024);
}

/** Exact bytes with separators ("123,456 B"). */
export function formatExactBytes(bytes: number): string {
  return `${formatCount(bytes)} B`;
}

/** A heap offset or simulated address in hex ("0x2a0"). */
export function formatHexOffset(n: number): string {
  return `0x${n.toString(16)}`;
}
