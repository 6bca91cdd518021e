// The named patterns `memscope sim cache|tlb PATTERN` and the app offer, with their parameters and defaults,
// and the "NAME[:key=value,…]" spec syntax (sizes take K/M/G suffixes: bytes=64M).

import { ApiError } from '../../errors.js';
import { createRandomPattern, createStridedPattern } from './sweep-patterns.js';
import type { AccessPattern } from './access-pattern.js';
import { parseSizeBytes } from '../../units.js';
import {
  createAosPattern,
  createArrayWalkPattern,
  createColMajorPattern,
  createListWalkPattern,
  createMatmulBlockedPattern,
  createMatmulNaivePattern,
  createRowMajorPattern,
  createSoaPattern,
} from './patterns.js';

/** One parameter of a pattern kind. */
export interface PatternParam {
  name: string;
  defaultValue: number;
  description: string;
}

/** A named pattern: its parameters and a factory taking every parameter's value. */
export interface PatternKind {
  name: string;
  description: string;
  params: PatternParam[];
  create(values: Readonly<Record<string, number>>): AccessPattern;
}

const v = (values: Readonly<Record<string, number>>, name: string): number => values[name] ?? NaN;

const MATRIX: PatternParam[] = [
  { name: 'rows', defaultValue: 1024, description: 'matrix rows' },
  { name: 'cols', defaultValue: 1024, description: 'matrix columns (8-byte elements)' },
];
const WALK: PatternParam[] = [
  { name: 'count', defaultValue: 65536, description: 'nodes' },
  { name: 'node', defaultValue: 16, description: 'bytes per node (next pointer + value + padding)' },
];
const FIELDS: PatternParam[] = [
  { name: 'count', defaultValue: 65536, description: 'records' },
  { name: 'fields', defaultValue: 8, description: '8-byte fields per record' },
  { name: 'read', defaultValue: 1, description: 'fields summed per record' },
];

/** Every named pattern, in the order help lists them. */
export const PATTERN_KINDS: readonly PatternKind[] = [
  { name: 'row-major', description: 'sum an N×M matrix row by row (spatial locality)', params: MATRIX, create: (x) => createRowMajorPattern({ rows: v(x, 'rows'), cols: v(x, 'cols') }) },
  { name: 'col-major', description: 'sum the same matrix column by column (a stride of a row)', params: MATRIX, create: (x) => createColMajorPattern({ rows: v(x, 'rows'), cols: v(x, 'cols') }) },
  { name: 'array-walk', description: 'visit a node pool in address order', params: WALK, create: (x) => createArrayWalkPattern({ count: v(x, 'count'), nodeBytes: v(x, 'node') }) },
  {
    name: 'list-walk',
    description: 'follow a linked list threaded through the pool in shuffled order',
    params: [...WALK, { name: 'seed', defaultValue: 1, description: 'shuffle seed' }],
    create: (x) => createListWalkPattern({ count: v(x, 'count'), nodeBytes: v(x, 'node'), seed: v(x, 'seed') }),
  },
  { name: 'aos', description: 'sum fields of an array of structs (record stride)', params: FIELDS, create: (x) => createAosPattern({ count: v(x, 'count'), fields: v(x, 'fields'), read: v(x, 'read') }) },
  { name: 'soa', description: 'sum the same fields stored as a struct of arrays', params: FIELDS, create: (x) => createSoaPattern({ count: v(x, 'count'), fields: v(x, 'fields'), read: v(x, 'read') }) },
  { name: 'matmul-naive', description: 'C = A×B, i-j-k loops (B walked by column)', params: [{ name: 'n', defaultValue: 128, description: 'matrix edge (doubles)' }], create: (x) => createMatmulNaivePattern({ n: v(x, 'n') }) },
  {
    name: 'matmul-blocked',
    description: 'C = A×B in block×block tiles (temporal locality)',
    params: [
      { name: 'n', defaultValue: 128, description: 'matrix edge (doubles)' },
      { name: 'block', defaultValue: 16, description: 'tile edge, divides n' },
    ],
    create: (x) => createMatmulBlockedPattern({ n: v(x, 'n'), block: v(x, 'block') }),
  },
  {
    name: 'sequential',
    description: 'one pass of 8-byte loads over a buffer',
    params: [
      { name: 'bytes', defaultValue: 4 * 1024 * 1024, description: 'buffer size' },
      { name: 'stride', defaultValue: 8, description: 'bytes between loads' },
      { name: 'passes', defaultValue: 1, description: 'sweeps' },
    ],
    create: (x) => createStridedPattern({ bytes: v(x, 'bytes'), strideBytes: v(x, 'stride'), passes: v(x, 'passes') }, 'sequential'),
  },
  {
    name: 'strided',
    description: 'loads a page apart, several passes (a TLB workout)',
    params: [
      { name: 'bytes', defaultValue: 64 * 1024 * 1024, description: 'buffer size' },
      { name: 'stride', defaultValue: 4096, description: 'bytes between loads' },
      { name: 'passes', defaultValue: 4, description: 'sweeps' },
    ],
    create: (x) => createStridedPattern({ bytes: v(x, 'bytes'), strideBytes: v(x, 'stride'), passes: v(x, 'passes') }),
  },
  {
    name: 'random',
    description: 'seeded uniformly random 8-byte loads',
    params: [
      { name: 'bytes', defaultValue: 64 * 1024 * 1024, description: 'buffer size' },
      { name: 'count', defaultValue: 1 << 20, description: 'loads' },
      { name: 'seed', defaultValue: 1, description: 'random seed' },
    ],
    create: (x) => createRandomPattern({ bytes: v(x, 'bytes'), count: v(x, 'count'), seed: v(x, 'seed') }),
  },
];

/** The kind named `name`, or undefined. */
export function findPatternKind(name: string): PatternKind | undefined {
  return PATTERN_KINDS.find((k) => k.name === name);
}

/**
 * Builds a pattern from "NAME[:key=value,…]" (e.g. "row-major:rows=512,cols=256", "strided:bytes=64M").
 * Throws ApiError('bad-arg') for an unknown name or key, a bad value, or parameters the pattern rejects.
 */
export function parsePatternSpec(spec: string): AccessPattern {
  const colon = spec.indexOf(':');
  const name = colon < 0 ? spec : spec.slice(0, colon);
  const kind = findPatternKind(name);
  if (kind === undefined) throw new ApiError('bad-arg', `unknown pattern ${JSON.stringify(name)} (known: ${PATTERN_KINDS.map((k) => k.name).join(', ')})`);
  const values: Record<string, number> = {};
  for (const p of kind.params) values[p.name] = p.defaultValue;
  if (colon >= 0) {
    for (const pair of spec.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      if (!kind.params.some((p) => p.name === key)) {
        throw new ApiError('bad-arg', `pattern ${name}: unknown parameter ${JSON.stringify(key)} (known: ${kind.params.map((p) => p.name).join(', ')})`);
      }
      const value = eq < 0 ? NaN : parseSizeBytes(pair.slice(eq + 1));
      if (!Number.isSafeInteger(value)) throw new ApiError('bad-arg', `pattern ${name}: bad value in ${JSON.stringify(pair)} (expected ${key}=N, K/M/G suffixes allowed)`);
      values[key] = value;
    }
  }
  try {
    return kind.create(values);
  } catch (err) {
    if (err instanceof RangeError) throw new ApiError('bad-arg', `pattern ${name}: ${err.message}`);
    throw err;
  }
}

/** One line per pattern kind with its parameters and defaults, for --list. */
export function describePatternKinds(): string {
  return PATTERN_KINDS.map((k) => `  ${k.name.padEnd(15)} ${k.description}\n${' '.repeat(18)}${k.params.map((p) => `${p.name}=${p.defaultValue}`).join(',')}`).join('\n');
}
