// The allocator variants `memscope sim malloc TRACE --variants` predicts one recording under, each as the
// environment a user would run the real program with (issue 12 §3): glibc's default, three GLIBC_TUNABLES
// and gperftools' TCMalloc. The tests run the real program under the same `env` and compare footprints.

import { type MallocAllocatorName } from './format-summary.js';
import { type FootprintTrack } from './footprint.js';

/** One way to run the program. */
export interface AllocatorVariant {
  /** Short name, the table's first column. */
  name: string;
  /** Which model predicts it. */
  allocator: MallocAllocatorName;
  /** The model's settings (sim malloc --tunables syntax for that allocator). */
  tunables: string;
  /** The environment that runs the real program this way (NAME=VALUE, '' for none). */
  env: string;
}

/** The shared object LD_PRELOAD takes for TCMalloc (Debian libtcmalloc-minimal4, gperftools 2.10). */
export const TCMALLOC_PRELOAD = 'libtcmalloc_minimal.so.4';

/** A lower mmap threshold than glibc's initial 128 KiB (setting it also turns the dynamic threshold off). */
export const VARIANT_MMAP_THRESHOLD_BYTES = 32 * 1024;
/** A lower trim threshold than glibc's initial 128 KiB (likewise fixed). */
export const VARIANT_TRIM_THRESHOLD_BYTES = 32 * 1024;

/** glibc's tunables for one variant, as GLIBC_TUNABLES carries them. */
function glibcVariant(name: string, tunables: string): AllocatorVariant {
  return { name, allocator: 'glibc', tunables, env: tunables === '' ? '' : `GLIBC_TUNABLES=${tunables}` };
}

/** The variants, in the order the table lists them. */
export const ALLOCATOR_VARIANTS: readonly AllocatorVariant[] = [
  glibcVariant('glibc', ''),
  glibcVariant('arena_max=2', 'glibc.malloc.arena_max=2'),
  glibcVariant(`mmap_threshold=${VARIANT_MMAP_THRESHOLD_BYTES}`, `glibc.malloc.mmap_threshold=${VARIANT_MMAP_THRESHOLD_BYTES}`),
  glibcVariant(`trim_threshold=${VARIANT_TRIM_THRESHOLD_BYTES}`, `glibc.malloc.trim_threshold=${VARIANT_TRIM_THRESHOLD_BYTES}`),
  { name: 'tcmalloc', allocator: 'tcmalloc', tunables: '', env: `LD_PRELOAD=${TCMALLOC_PRELOAD}` },
];

/** A variant's prediction: its footprint, or why the model could not run the trace. */
export interface VariantPrediction {
  variant: AllocatorVariant;
  /** Null when the model refused the trace or the program misused the heap (then `error` says why). */
  footprint: FootprintTrack | null;
  /** One line: why there is no footprint. */
  error: string | null;
}

/** The --json form of one prediction (snake_case, as the other --json outputs). */
export function formatVariantJson(p: VariantPrediction): Record<string, unknown> {
  return {
    name: p.variant.name,
    allocator: p.variant.allocator,
    env: p.variant.env,
    simulated: true,
    peak_bytes: p.footprint?.peakBytes ?? null,
    peak_op: p.footprint?.peakOp ?? null,
    final_bytes: p.footprint?.finalBytes ?? null,
    error: p.error,
  };
}

/** The text table: one row per variant, each labelled simulated. */
export function formatVariantTable(predictions: readonly VariantPrediction[]): string {
  const rows = [['variant', 'run as', 'peak bytes', 'after op', 'at exit bytes', '']];
  for (const p of predictions) {
    const f = p.footprint;
    rows.push([
      p.variant.name,
      p.variant.env === '' ? '(default)' : p.variant.env,
      f === null ? '-' : String(f.peakBytes),
      f === null ? '-' : String(f.peakOp),
      f === null ? '-' : String(f.finalBytes),
      f === null ? `not simulated: ${p.error ?? ''}` : 'simulated',
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const numeric = [false, false, true, true, true, false];
  return rows.map((r) => r.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n') + '\n';
}
