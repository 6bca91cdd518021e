// glibc 2.36 malloc parameters (mp_, global_max_fast) and the GLIBC_TUNABLES string that sets them.
// Source of truth: glibc 2.36 malloc/malloc.c (struct malloc_par, do_set_* callbacks),
// malloc/arena.c (ptmalloc_init), elf/dl-tunables.c (parse_tunables, _dl_strtoul), elf/dl-tunables.list.

import {
  DEFAULT_MMAP_MAX,
  DEFAULT_MMAP_THRESHOLD,
  DEFAULT_MXFAST,
  DEFAULT_TOP_PAD,
  DEFAULT_TRIM_THRESHOLD,
  MAX_FAST_SIZE,
  MAX_TCACHE_COUNT,
  TCACHE_FILL_COUNT,
  TCACHE_MAX_BINS,
  computeMaxFast,
  computeTcacheIndex,
  computeTcacheUsize,
  request2size,
} from './chunk.js';
import { ARENAS_PER_CORE } from './arena-state.js';

/**
 * The allocator's tunable state (glibc's `mp_` plus `global_max_fast`). mmapThresholdBytes and
 * trimThresholdBytes change at run time (dynamic threshold), so every heap owns its own copy.
 *
 * Invariants: tcacheBins ≤ TCACHE_MAX_BINS; tcacheCount ≤ MAX_TCACHE_COUNT;
 * maxFastBytes ∈ {16} ∪ [32, 160] and a multiple of 16.
 */
export interface MallocParams {
  /** glibc.malloc.top_pad: extra bytes asked of brk each time the heap grows, kept when trimming. Stored as a signed 64-bit value, as glibc's arithmetic wraps. */
  topPadBytes: number;
  /** glibc.malloc.trim_threshold: free() trims top when it reaches this. */
  trimThresholdBytes: number;
  /** glibc.malloc.mmap_threshold: sysmalloc mmaps chunks of at least this size. */
  mmapThresholdBytes: number;
  /** glibc.malloc.mmap_max: most mmapped chunks alive at once (n_mmaps_max). */
  mmapMax: number;
  /** True once any of top_pad, trim_threshold, mmap_threshold, mmap_max was set: the dynamic threshold is off. */
  noDynThreshold: boolean;
  /** glibc.malloc.tcache_count: chunks per tcache bin. */
  tcacheCount: number;
  /** Number of tcache bins in use, from glibc.malloc.tcache_max (csize2tidx(request2size(max)) + 1). */
  tcacheBins: number;
  /** glibc.malloc.tcache_max: largest request the tcache serves. */
  tcacheMaxBytes: number;
  /** glibc.malloc.tcache_unsorted_limit: 0 = unlimited. */
  tcacheUnsortedLimit: number;
  /** global_max_fast, from glibc.malloc.mxfast: chunks up to this size go to fastbins. */
  maxFastBytes: number;
  /** glibc.malloc.arena_max: most arenas, main included (0: 8 × online CPUs, once arenaTest arenas exist). */
  arenaMax: number;
  /** glibc.malloc.arena_test: arenas created before the limit is computed. */
  arenaTest: number;
}

/** The parameters of a fresh process with no tunables. */
export function createDefaultParams(): MallocParams {
  return {
    topPadBytes: DEFAULT_TOP_PAD,
    trimThresholdBytes: DEFAULT_TRIM_THRESHOLD,
    mmapThresholdBytes: DEFAULT_MMAP_THRESHOLD,
    mmapMax: DEFAULT_MMAP_MAX,
    noDynThreshold: false,
    tcacheCount: TCACHE_FILL_COUNT,
    tcacheBins: TCACHE_MAX_BINS,
    tcacheMaxBytes: computeTcacheUsize(TCACHE_MAX_BINS - 1),
    tcacheUnsortedLimit: 0,
    maxFastBytes: computeMaxFast(DEFAULT_MXFAST),
    arenaMax: 0,
    arenaTest: ARENAS_PER_CORE,
  };
}

const SIZE_MAX = (1n << 64n) - 1n;
const INT32_MAX = (1n << 31n) - 1n;

/** One row of the tunables table: its dl-tunables.list type and range, and the do_set_* callback. */
interface TunableRow {
  /** Name exactly as GLIBC_TUNABLES spells it. */
  name: string;
  /** TUNABLE_TYPE_SIZE_T compares unsigned; INT_32 signed. */
  type: 'SIZE_T' | 'INT_32';
  min: bigint;
  max: bigint;
  /** The do_set_* callback; false when it rejects the value. */
  apply: (p: MallocParams, value: bigint) => boolean;
  /** What the tunable does, for help texts. */
  doc: string;
}

/** Unsigned 64-bit value as a JS number, or its two's complement when it would not fit a long. */
function toSignedNumber(value: bigint): number {
  return Number(BigInt.asIntN(64, value));
}

/**
 * The malloc tunables of glibc 2.36, in ptmalloc_init's order (later callbacks see earlier ones'
 * effects). Tunables that cannot change the heap's layout (check, perturb) are accepted and have no
 * effect; arena_max and arena_test matter to threaded traces only; hugetlb is not modelled.
 */
export const MALLOC_TUNABLES: readonly TunableRow[] = [
  { name: 'glibc.malloc.check', type: 'INT_32', min: 0n, max: 3n, apply: () => true, doc: 'heap consistency checking (needs libc_malloc_debug.so; no effect here)' },
  {
    name: 'glibc.malloc.top_pad', type: 'SIZE_T', min: 0n, max: SIZE_MAX, doc: 'extra bytes requested from brk on every heap extension',
    apply: (p, v) => { p.topPadBytes = toSignedNumber(v); p.noDynThreshold = true; return true; },
  },
  { name: 'glibc.malloc.perturb', type: 'INT_32', min: 0n, max: 0xffn, apply: () => true, doc: 'fill byte for allocated/freed memory (contents only; no effect on layout)' },
  {
    name: 'glibc.malloc.mmap_threshold', type: 'SIZE_T', min: 0n, max: SIZE_MAX, doc: 'chunk size from which sysmalloc uses mmap; disables the dynamic threshold',
    apply: (p, v) => { p.mmapThresholdBytes = Number(v); p.noDynThreshold = true; return true; },
  },
  {
    name: 'glibc.malloc.trim_threshold', type: 'SIZE_T', min: 0n, max: SIZE_MAX, doc: 'top size from which free() gives memory back with brk',
    apply: (p, v) => { p.trimThresholdBytes = Number(v); p.noDynThreshold = true; return true; },
  },
  {
    name: 'glibc.malloc.mmap_max', type: 'INT_32', min: 0n, max: INT32_MAX, doc: 'most mmapped chunks at once (0: never mmap chunks)',
    apply: (p, v) => { p.mmapMax = Number(v); p.noDynThreshold = true; return true; },
  },
  {
    name: 'glibc.malloc.arena_max', type: 'SIZE_T', min: 1n, max: SIZE_MAX, doc: 'most arenas, the main one included (default 8 × online CPUs)',
    apply: (p, v) => { p.arenaMax = Number(v); return true; },
  },
  {
    name: 'glibc.malloc.arena_test', type: 'SIZE_T', min: 1n, max: SIZE_MAX, doc: 'arenas created before the arena limit is computed',
    apply: (p, v) => { p.arenaTest = Number(v); return true; },
  },
  {
    name: 'glibc.malloc.tcache_max', type: 'SIZE_T', min: 0n, max: SIZE_MAX, doc: 'largest request served by the tcache (at most 1032)',
    apply: (p, v) => {
      if (v > BigInt(computeTcacheUsize(TCACHE_MAX_BINS - 1))) return false;
      p.tcacheMaxBytes = Number(v);
      p.tcacheBins = computeTcacheIndex(request2size(Number(v))) + 1;
      return true;
    },
  },
  {
    name: 'glibc.malloc.tcache_count', type: 'SIZE_T', min: 0n, max: SIZE_MAX, doc: 'chunks per tcache bin (at most 65535)',
    apply: (p, v) => { if (v > BigInt(MAX_TCACHE_COUNT)) return false; p.tcacheCount = Number(v); return true; },
  },
  {
    name: 'glibc.malloc.tcache_unsorted_limit', type: 'SIZE_T', min: 0n, max: SIZE_MAX, doc: 'unsorted chunks processed before returning a cached one (0: unlimited)',
    apply: (p, v) => { p.tcacheUnsortedLimit = Number(v); return true; },
  },
  {
    name: 'glibc.malloc.mxfast', type: 'SIZE_T', min: 0n, max: SIZE_MAX, doc: 'largest request served by fastbins (at most 160)',
    apply: (p, v) => { if (v > BigInt(MAX_FAST_SIZE)) return false; p.maxFastBytes = computeMaxFast(Number(v)); return true; },
  },
];

/** What parseGlibcTunables made of each name=value pair. */
export interface TunableNote {
  name: string;
  value: string;
  outcome: 'applied' | 'rejected' | 'unknown' | 'not-modelled';
}

/** Result of reading a GLIBC_TUNABLES string. */
export interface ParsedTunables {
  params: MallocParams;
  notes: TunableNote[];
}

const NOT_MODELLED = new Set(['glibc.malloc.hugetlb']);

/**
 * _dl_strtoul: optional blanks and sign, then decimal, 0x hex or 0-prefixed octal; stops at the
 * first other character (glibc 2.36 ignores the rest: "8192junk" is 8192). No digits → 0.
 */
function parseDlStrtoul(text: string): bigint {
  let i = 0;
  while (text[i] === ' ' || text[i] === '\t') i++;
  let negative = false;
  if (text[i] === '-') { negative = true; i++; } else if (text[i] === '+') i++;
  const c0 = text[i];
  if (c0 === undefined || c0 < '0' || c0 > '9') return 0n;
  let base = 10n;
  let maxDigit = 9;
  if (c0 === '0') {
    if (text[i + 1] === 'x' || text[i + 1] === 'X') { base = 16n; i += 2; } else { base = 8n; maxDigit = 7; }
  }
  let result = 0n;
  for (; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    let dig: number;
    if (ch >= 48 && ch <= 48 + maxDigit) dig = ch - 48;
    else if (base === 16n && ch >= 97 && ch <= 102) dig = ch - 87;
    else if (base === 16n && ch >= 65 && ch <= 70) dig = ch - 55;
    else break;
    if (result >= (SIZE_MAX - BigInt(dig)) / base) return SIZE_MAX;
    result = result * base + BigInt(dig);
  }
  return negative ? BigInt.asUintN(64, -result) : result;
}

/**
 * Reads a GLIBC_TUNABLES string ("glibc.malloc.tcache_count=0:glibc.malloc.top_pad=0") the way
 * glibc 2.36's loader does: pairs split by ':', a name without '=' ends the parse, unknown names
 * and out-of-range values are skipped silently, and the malloc callbacks then run in
 * ptmalloc_init's order with the last value given for each tunable.
 */
export function parseGlibcTunables(tunables: string): ParsedTunables {
  const params = createDefaultParams();
  const notes: TunableNote[] = [];
  const values = new Map<string, bigint>();
  let p = 0;
  while (p < tunables.length) {
    let len = 0;
    while (p + len < tunables.length && tunables[p + len] !== '=' && tunables[p + len] !== ':') len++;
    if (p + len >= tunables.length) break; // a name with no value ends the string
    if (tunables[p + len] === ':') { p += len + 1; continue; }
    const name = tunables.slice(p, p + len);
    p += len + 1;
    let vlen = 0;
    while (p + vlen < tunables.length && tunables[p + vlen] !== ':') vlen++;
    const valueText = tunables.slice(p, p + vlen);
    p += vlen + 1;
    const row = MALLOC_TUNABLES.find((r) => r.name === name);
    if (row === undefined) {
      notes.push({ name, value: valueText, outcome: NOT_MODELLED.has(name) ? 'not-modelled' : 'unknown' });
      continue;
    }
    let v = parseDlStrtoul(valueText);
    if (row.type === 'INT_32') v = BigInt.asIntN(64, v);
    if (v < row.min || v > row.max) {
      notes.push({ name, value: valueText, outcome: 'rejected' });
      continue;
    }
    values.set(name, v);
    notes.push({ name, value: valueText, outcome: 'applied' });
  }
  for (const row of MALLOC_TUNABLES) {
    const v = values.get(row.name);
    if (v !== undefined && !row.apply(params, v)) {
      for (const n of notes) if (n.name === row.name && n.outcome === 'applied') n.outcome = 'rejected';
    }
  }
  return { params, notes };
}
