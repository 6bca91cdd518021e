// The cache lab's settings as typed (text fields) and their translation into simulator inputs: a geometry
// (shared/sim/cache/geometry.ts), one access pattern per side (pattern-catalog.ts or a custom access list)
// and two TLBs (shared/sim/tlb/params.ts), with every problem worded for the field it belongs to.
import { isApiError } from '../../shared/errors.js';
import { AccessListParseError, parseAccessList } from '../../shared/sim/access/access-list.js';
import { createListPattern, type AccessPattern } from '../../shared/sim/access/access-pattern.js';
import { parseGeometrySpec, type CacheGeometry } from '../../shared/sim/cache/geometry.js';
import { findPatternKind, PATTERN_KINDS } from '../../shared/sim/access/pattern-catalog.js';
import { validateTlbGeometry, type TlbGeometry } from '../../shared/sim/tlb/params.js';
import { PMD_SIZE } from '../../shared/mm/translate.js';
import { PAGE_SIZE, parseSizeBytes } from '../../shared/units.js';

/** Most accesses one pattern may make in the lab: it runs on the UI thread (about half a second per 8 M). */
export const MAX_LAB_ACCESSES = 8 * 1024 * 1024;

/** Pattern kind of a pasted or opened access list. */
export const CUSTOM_KIND = 'custom';

/** The two patterns compared. */
export type LabSide = 'A' | 'B';

/** One cache level as typed: size ("32K"), ways, line bytes. */
export interface GeometryRow {
  size: string;
  ways: string;
  line: string;
}

/** One side's pattern as typed. */
export interface PatternChoice {
  /** A PATTERN_KINDS name, or CUSTOM_KIND. */
  kind: string;
  /** Parameter text per name (K/M/G suffixes allowed), for every kind visited so far. */
  params: Record<string, string>;
  /** The access list text (CUSTOM_KIND). */
  customText: string;
  /** Where the list came from ("pasted" or a file name). */
  customName: string;
}

/** One TLB as typed. */
export interface TlbRow {
  entries: string;
  ways: string;
}

/** Everything the lab's form holds. */
export interface LabSettings {
  geometry: GeometryRow[];
  a: PatternChoice;
  b: PatternChoice;
  /** Run side B too. */
  compare: boolean;
  tlb4k: TlbRow;
  tlb2m: TlbRow;
}

/** Simulator inputs built from settings, or per-field problems. */
export interface LabInputs {
  geometry: CacheGeometry | null;
  /** The geometry as a `--geometry` spec ("32K:8:64,1M:8:64"). */
  geometrySpec: string;
  patterns: { side: LabSide; pattern: AccessPattern; cliArg: string }[];
  tlbs: TlbGeometry[];
  /** Problems by field: "geometry", "A", "B", "tlb". */
  errors: Partial<Record<'geometry' | LabSide | 'tlb', string>>;
  /** Identity of what would run: equal keys, equal results. */
  key: string;
}

/** A byte count the way sysfs and --geometry write it: "32K", "1M", else plain bytes. */
export function formatSizeText(bytes: number): string {
  for (const [unit, factor] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}

/** Rows for the geometry editor from a geometry. */
export function toGeometryRows(geometry: CacheGeometry): GeometryRow[] {
  return geometry.map((l) => ({ size: formatSizeText(l.sizeBytes), ways: String(l.ways), line: String(l.lineBytes) }));
}

/** A fresh choice of kind with every parameter at its default. */
export function defaultChoice(kind: string): PatternChoice {
  const params: Record<string, string> = {};
  for (const p of findPatternKind(kind)?.params ?? []) params[p.name] = String(p.defaultValue);
  return { kind, params, customText: '', customName: 'pasted' };
}

/** The parameter texts of a kind: what was typed, else the default. */
export function paramTexts(choice: PatternChoice): { name: string; text: string; description: string; defaultValue: number }[] {
  return (findPatternKind(choice.kind)?.params ?? []).map((p) => ({ name: p.name, text: choice.params[p.name] ?? String(p.defaultValue), description: p.description, defaultValue: p.defaultValue }));
}

/** The choice as `memscope sim cache` takes it ("row-major:rows=1024,cols=1024"; a list is a file). */
function describeChoiceArg(choice: PatternChoice): string {
  if (choice.kind === CUSTOM_KIND) return choice.customName === 'pasted' ? 'LIST-FILE' : choice.customName;
  const params = paramTexts(choice).map((p) => `${p.name}=${p.text.trim()}`);
  return params.length === 0 ? choice.kind : `${choice.kind}:${params.join(',')}`;
}

/** Builds one side's pattern; throws Error with a message for the side's field. */
function buildPattern(choice: PatternChoice): AccessPattern {
  let pattern: AccessPattern;
  if (choice.kind === CUSTOM_KIND) {
    if (choice.customText.trim() === '') throw new Error('paste an access list (one "R|W ADDRESS SIZE" per line, lackey lines, or a JSON array) or open a file');
    try {
      pattern = createListPattern(parseAccessList(choice.customText), choice.customName);
    } catch (err) {
      if (err instanceof AccessListParseError) throw new Error(`${choice.customName}: ${err.message}`);
      throw err;
    }
    if (pattern.accessCount === 0) throw new Error(`${choice.customName}: no data accesses in the list (only comments or instruction lines)`);
  } else {
    const kind = findPatternKind(choice.kind);
    if (kind === undefined) throw new Error(`unknown pattern ${JSON.stringify(choice.kind)} (known: ${PATTERN_KINDS.map((k) => k.name).join(', ')})`);
    const values: Record<string, number> = {};
    for (const p of paramTexts(choice)) {
      const value = parseSizeBytes(p.text);
      if (!Number.isSafeInteger(value)) throw new Error(`${p.name}: ${JSON.stringify(p.text)} is not a whole number (K/M/G suffixes allowed)`);
      values[p.name] = value;
    }
    try {
      pattern = kind.create(values);
    } catch (err) {
      if (err instanceof RangeError) throw new Error(err.message);
      throw err;
    }
  }
  if (pattern.accessCount > MAX_LAB_ACCESSES) {
    throw new Error(
      `${pattern.accessCount.toLocaleString('en-US')} accesses: the lab simulates at most ${MAX_LAB_ACCESSES.toLocaleString('en-US')} per pattern, ` +
        'because it runs in this window. Make it smaller, or run the full size with `memscope sim cache` (command below).',
    );
  }
  return pattern;
}

function buildTlb(row: TlbRow, pageBytes: number, name: string): TlbGeometry {
  const g = { entries: Number(row.entries.trim()), ways: Number(row.ways.trim()), pageBytes };
  if (!/^[0-9]+$/.test(row.entries.trim()) || !/^[0-9]+$/.test(row.ways.trim())) throw new Error(`${name}: entries and ways must be whole numbers`);
  const problems = validateTlbGeometry(g);
  if (problems.length > 0) throw new Error(`${name}: ${problems[0]}`);
  return g;
}

/** Builds the simulator inputs for settings; problems land in `errors` by field. */
export function buildLabInputs(settings: LabSettings): LabInputs {
  const errors: LabInputs['errors'] = {};
  const geometrySpec = settings.geometry.map((r) => `${r.size.trim()}:${r.ways.trim()}:${r.line.trim()}`).join(',');
  let geometry: CacheGeometry | null = null;
  try {
    if (settings.geometry.length === 0) throw new Error('add at least one cache level');
    geometry = parseGeometrySpec(geometrySpec);
  } catch (err) {
    errors.geometry = isApiError(err) || err instanceof Error ? err.message : String(err);
  }
  const patterns: LabInputs['patterns'] = [];
  const sides: [LabSide, PatternChoice][] = settings.compare ? [['A', settings.a], ['B', settings.b]] : [['A', settings.a]];
  for (const [side, choice] of sides) {
    try {
      patterns.push({ side, pattern: buildPattern(choice), cliArg: describeChoiceArg(choice) });
    } catch (err) {
      errors[side] = err instanceof Error ? err.message : String(err);
    }
  }
  const tlbs: TlbGeometry[] = [];
  try {
    tlbs.push(buildTlb(settings.tlb4k, PAGE_SIZE, '4 KiB TLB'), buildTlb(settings.tlb2m, PMD_SIZE, '2 MiB TLB'));
  } catch (err) {
    errors.tlb = err instanceof Error ? err.message : String(err);
  }
  const lists = sides.map(([, c]) => (c.kind === CUSTOM_KIND ? c.customText : ''));
  const key = JSON.stringify([geometrySpec, patterns.map((p) => [p.side, p.pattern.label]), lists, tlbs]);
  return { geometry, geometrySpec, patterns, tlbs, errors, key };
}

/** The `memscope sim cache` command that runs the same patterns through the same geometry. */
export function describeCliCommand(inputs: LabInputs): string {
  return `memscope sim cache --geometry ${inputs.geometrySpec} ${inputs.patterns.map((p) => p.cliArg).join(' ')}`;
}
