// Units: kB (the kernel's "kB" = KiB = 1024 bytes), pages, and hex ⇄ bigint addresses.
// Addresses are hex strings or bigint, never number: x86-64 user space reaches 2^47 and
// [vsyscall] sits at ffffffffff600000, past Number.MAX_SAFE_INTEGER.

/** log2 of the base page size on x86-64 (arch/x86/include/asm/page_types.h). */
export const PAGE_SHIFT = 12;
/** Base page size in bytes on x86-64 (1 << PAGE_SHIFT); the one definition every reader and simulator uses. */
export const PAGE_SIZE = 1 << PAGE_SHIFT;
/** Base page size in kB, the unit smaps and status print; callers on other machines pass their own. */
export const PAGE_SIZE_KB = PAGE_SIZE / 1024;

const IEC_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/**
 * Parses a hex string as printed by the kernel ("7f3dd9bf4000", upper or lower case, no 0x) into
 * a bigint. Throws RangeError on anything else, so a garbled address never becomes a wrong number.
 */
export function hexToBigInt(hex: string): bigint {
  if (hex.length === 0) throw new RangeError('empty hex string');
  for (let i = 0; i < hex.length; i++) {
    const c = hex.charCodeAt(i);
    const isHex = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
    if (!isHex) throw new RangeError(`not a hex string: ${JSON.stringify(hex)}`);
  }
  return BigInt(`0x${hex}`);
}

/**
 * Formats a non-negative bigint as lowercase hex without 0x, left-padded with zeros to
 * minDigits (the kernel prints maps addresses with at least 8 digits: "%08lx").
 */
export function bigIntToHex(n: bigint, minDigits = 0): string {
  if (n < 0n) throw new RangeError(`negative address: ${n}`);
  return n.toString(16).padStart(minDigits, '0');
}

/**
 * Size in kB of the mapping [start, end) given as kernel hex strings. Exact: the difference is
 * taken in bigint and mappings are page-aligned, so the kB count is a whole number.
 */
export function mappingSizeKb(start: string, end: string): number {
  // Fast path: up to 13 hex digits (< 2^52) is exact as a number; every user-space address fits.
  if (start.length <= 13 && end.length <= 13) {
    const s = Number.parseInt(start, 16);
    const e = Number.parseInt(end, 16);
    if (Number.isFinite(s) && Number.isFinite(e) && e >= s && /^[0-9a-fA-F]+$/.test(start) && /^[0-9a-fA-F]+$/.test(end)) {
      return (e - s) / 1024;
    }
  }
  const sizeBytes = hexToBigInt(end) - hexToBigInt(start);
  if (sizeBytes < 0n) throw new RangeError(`mapping end ${end} below start ${start}`);
  return Number(sizeBytes / 1024n);
}

/** Converts a page count (statm, stat rss) to kB. */
export function pagesToKb(pages: number, pageSizeKb: number = PAGE_SIZE_KB): number {
  return pages * pageSizeKb;
}

/** Converts kB (1024 bytes, the kernel's "kB") to bytes. */
export function kbToBytes(kb: number): number {
  return kb * 1024;
}

/**
 * Human size in IEC units from kB, as top/htop scale memory: "512 KiB", "1.5 MiB", "12.3 GiB",
 * "123 MiB". One decimal below 100 of a unit, none from 100 on; the unit is chosen after rounding,
 * so 1023.96 MiB reads "1.0 GiB", never "1024.0 MiB".
 */
export function formatKb(kb: number): string {
  if (!Number.isFinite(kb)) return String(kb);
  const sign = kb < 0 ? '-' : '';
  let value = Math.abs(kb);
  if (value < 1024 && Number.isInteger(value)) return `${sign}${value} KiB`;
  let unit = 0;
  for (;;) {
    const tenths = Math.round(value * 10) / 10;
    if (tenths < 100) return `${sign}${tenths.toFixed(1)} ${IEC_UNITS[unit]}`;
    const whole = Math.round(value);
    if (whole < 1024 || unit === IEC_UNITS.length - 1) return `${sign}${whole} ${IEC_UNITS[unit]}`;
    value /= 1024;
    unit++;
  }
}

/**
 * A size in the largest binary unit that divides it exactly, else in bytes: 32768 → "32 KiB",
 * 2097152 → "2 MiB", 1536 → "1536 B". Lossless, for geometry (cache levels, lines, pages).
 */
export function formatSizeBytes(bytes: number): string {
  for (const [unit, factor] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor} ${unit}`;
  }
  return `${bytes} B`;
}

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/**
 * Parses a size as sysfs and people write it: "32K", "1024K", "32M", "48KiB", "65536" (binary units; sysfs
 * "K" means KiB), the inverse of formatSizeBytes. Returns NaN when the text is not one.
 */
export function parseSizeBytes(text: string): number {
  const m = /^([0-9]+)\s*([KMG]?)(?:i?B)?$/i.exec(text.trim());
  if (m === null) return NaN;
  return Number(m[1]) * (SIZE_UNITS[(m[2] ?? '').toUpperCase()] ?? NaN);
}

/** The variants of formatBytes: the plain form is "40 B" below a KiB and formatKb's human size above. */
export interface FormatBytesOptions {
  /** A whole number of KiB, MiB or GiB without a decimal ("3 MiB", not "3.0 MiB"): lab sizes, mostly powers of two. */
  wholeUnits?: boolean;
  /** The exact count first, the human size after it in parentheses: "123456 bytes (121 KiB)", "40 bytes" (CLI summaries, scripts read the number). */
  exactFirst?: boolean;
}

/** A byte count for people: "40 B", "1.5 KiB", "12.1 MiB"; see FormatBytesOptions for the variants. */
export function formatBytes(bytes: number, options: FormatBytesOptions = {}): string {
  const small = Math.abs(bytes) < 1024;
  const exact = options.wholeUnits === true && !small ? formatSizeBytes(bytes) : '';
  const human = small ? `${bytes} B` : exact !== '' && !exact.endsWith(' B') ? exact : formatKb(bytes / 1024);
  if (options.exactFirst !== true) return human;
  return small ? `${bytes} bytes` : `${bytes} bytes (${human})`;
}
