// The page range a user asks `memscope pages` for ("START[-END]", hex), checked against the process's
// mappings from /proc/PID/maps: START must be mapped, and the range may span adjacent mappings but no hole.

import { ApiError } from '../errors.js';
import { quoteUserInput } from '../text/escape.js';
import { hexToBigInt, PAGE_SIZE } from '../units.js';
import type { Mapping } from './types.js';

const PAGE_BYTES = BigInt(PAGE_SIZE);

/** A resolved, page-aligned range [startAddress, endAddress) and the mappings it covers, in address order. */
export interface PageRange {
  startAddress: bigint;
  endAddress: bigint;
  /** (endAddress - startAddress) / PAGE_SIZE, >= 1. */
  pageCount: number;
  mappings: Mapping[];
}

/** The addresses typed by a user, not yet checked against any mapping. */
export interface AddressRange {
  start: bigint;
  /** null: up to the end of the mapping holding start. */
  end: bigint | null;
}

/** Parses an address typed by a user: 1 to 16 hex digits, with or without 0x; throws ApiError('bad-arg'). */
export function parseAddress(text: string, what: string): bigint {
  const digits = /^0[xX]/.test(text) ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]{1,16}$/.test(digits)) {
    throw new ApiError('bad-arg', `bad ${what} address ${quoteUserInput(text)} (expected hex, e.g. 7f3dd9bf4000 or 0x7f3dd9bf4000)`);
  }
  return hexToBigInt(digits);
}

/** Parses "START" or "START-END" (hex, END exclusive); throws ApiError('bad-arg'). */
export function parseAddressRange(text: string): AddressRange {
  const dash = text.indexOf('-');
  if (dash < 0) return { start: parseAddress(text, 'START'), end: null };
  const start = parseAddress(text.slice(0, dash), 'START');
  const end = parseAddress(text.slice(dash + 1), 'END');
  if (end <= start) throw new ApiError('bad-arg', `empty range ${text}: END must be above START`);
  return { start, end };
}

function hex(n: bigint): string {
  return n.toString(16);
}

function describeMapping(m: Mapping): string {
  return `${m.start}-${m.end} ${m.perms}${m.path === '' ? '' : ` ${m.path}`}`;
}

/**
 * Resolves a user's range against a process's mappings (as /proc/PID/maps lists them, in address order).
 * START rounds down to its page and END up to a page boundary; a missing END becomes the end of the mapping
 * holding START. Throws ApiError('bad-arg') when START is not mapped or the range runs into unmapped space.
 */
export function resolvePageRange(mappings: readonly Mapping[], range: AddressRange, pid: number): PageRange {
  const start = (range.start / PAGE_BYTES) * PAGE_BYTES;
  const bounds = mappings.map((m) => ({ m, start: hexToBigInt(m.start), end: hexToBigInt(m.end) }));
  const first = bounds.findIndex((b) => b.start <= start && start < b.end);
  if (first < 0) {
    const next = bounds.find((b) => b.start > start);
    const hint = next === undefined ? 'no mapping above it' : `next mapping ${describeMapping(next.m)}`;
    throw new ApiError('bad-arg', `address ${hex(range.start)} is not mapped in process ${pid} (${hint})`);
  }
  const end = range.end === null ? bounds[first]!.end : ((range.end + PAGE_BYTES - 1n) / PAGE_BYTES) * PAGE_BYTES;
  const covered: Mapping[] = [];
  let reached = start;
  for (let i = first; i < bounds.length && reached < end; i++) {
    const b = bounds[i]!;
    if (b.start > reached) {
      throw new ApiError('bad-arg', `range ${hex(start)}-${hex(end)} crosses unmapped space ${hex(reached)}-${hex(b.start)} in process ${pid}`);
    }
    covered.push(b.m);
    reached = b.end;
  }
  if (reached < end) {
    throw new ApiError('bad-arg', `range ${hex(start)}-${hex(end)} crosses unmapped space from ${hex(reached)} in process ${pid}`);
  }
  return { startAddress: start, endAddress: end, pageCount: Number((end - start) / PAGE_BYTES), mappings: covered };
}
