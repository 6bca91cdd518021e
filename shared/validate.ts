// Argument checks shared by every transport (CLI, IPC, HTTP), run before anything reaches /proc.
import { ApiError } from './errors.js';
import { quoteUserInput } from './text/escape.js';

/** Largest pid Linux can hand out (PID_MAX_LIMIT on 64-bit: 4 * 1024 * 1024). */
export const PID_MAX_LIMIT = 4194304;

/** A pid is a positive decimal integer within PID_MAX_LIMIT, nothing else ("../1", "-5", "1e3" are not). */
export function isPid(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= PID_MAX_LIMIT;
}

/** Parses a pid typed by a user; throws ApiError('bad-arg') naming what was wrong. */
export function parsePid(text: string): number {
  if (!/^[0-9]{1,7}$/.test(text)) {
    throw new ApiError('bad-arg', `not a pid: ${quoteUserInput(text)} (expected a positive decimal integer)`);
  }
  const pid = Number(text);
  if (!isPid(pid)) throw new ApiError('bad-arg', `not a pid: ${text} (must be 1..${PID_MAX_LIMIT})`);
  return pid;
}

/**
 * A bad API argument as its error message shows it: its JSON, quoted and bounded (quoteUserInput). A value
 * JSON.stringify cannot print (10,000 nested arrays overflow its stack; a BigInt over IPC) is named by its type,
 * so the caller still gets bad-arg and never an internal error.
 */
export function showArgValue(value: unknown): string {
  try {
    return quoteUserInput(JSON.stringify(value) ?? String(value));
  } catch {
    return `(${Array.isArray(value) ? 'an array' : `a ${typeof value}`} too deep to show)`;
  }
}

/** Throws ApiError('bad-arg') unless value is a pid. */
export function assertPid(value: unknown): number {
  if (!isPid(value)) throw new ApiError('bad-arg', `not a pid: ${showArgValue(value)}`);
  return value;
}

/** An address as /proc prints it: 1 to 16 lowercase hex digits, no 0x. */
export function isHexAddress(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{1,16}$/.test(value);
}

/** Parses a positive number typed by a user (intervals, counts); throws ApiError('bad-arg'). */
export function parsePositiveNumber(text: string, what: string, opts: { integer?: boolean; min?: number } = {}): number {
  const n = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  const min = opts.min ?? 0;
  if (!Number.isFinite(n) || n < min || (opts.integer === true && !Number.isInteger(n))) {
    throw new ApiError('bad-arg', `bad ${what}: ${quoteUserInput(text)} (expected ${opts.integer === true ? 'an integer' : 'a number'} >= ${min})`);
  }
  return n;
}

/** Longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); a longer one fires after 1 ms instead. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Parses a sampling interval in seconds (`-d` of top, serve and exporter) into whole milliseconds, from minS up to
 * MAX_TIMER_DELAY_MS (2147483.647 s); throws ApiError('bad-arg') naming the bounds.
 */
export function parseIntervalMs(text: string, minS: number): number {
  const seconds = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  const ms = Math.round(seconds * 1000);
  if (!(seconds >= minS) || !(ms <= MAX_TIMER_DELAY_MS)) {
    throw new ApiError('bad-arg', `bad -d (seconds): ${quoteUserInput(text)} (expected a number from ${minS} to ${MAX_TIMER_DELAY_MS / 1000})`);
  }
  return ms;
}
