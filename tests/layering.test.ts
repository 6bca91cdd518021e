// The house import rules, checked over the real source tree (house-style.md "Import rules").
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './helpers/paths.js';

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(p).isDirectory()) out.push(...listSources(p));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  // Statements start a line; `import {` … `} from '…'` may span lines but holds no quote or semicolon.
  const re = /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) specs.push(m[1] ?? m[2] ?? m[3] ?? '');
  return specs;
}

function layerOf(absPath: string): string {
  return relative(REPO_ROOT, absPath).split('/')[0] ?? '';
}

const layers = ['shared', 'electron', 'renderer'] as const;
const files = layers.flatMap((l) => {
  const dir = join(REPO_ROOT, l);
  try {
    return listSources(dir);
  } catch {
    return [];
  }
});

test('the source tree has files to check', () => {
  assert.ok(files.some((f) => layerOf(f) === 'shared'));
  assert.ok(files.some((f) => layerOf(f) === 'electron'));
});

// Globals (process, Buffer, console, DOM) are kept out by shared/tsconfig.json (lib ES2022, types []).
test('shared/ imports only shared/ (no node, electron, react, DOM)', () => {
  const bad: string[] = [];
  for (const f of files.filter((x) => layerOf(x) === 'shared')) {
    for (const spec of importsOf(f)) {
      const ok = spec.startsWith('.') && layerOf(resolve(dirname(f), spec)) === 'shared';
      if (!ok) bad.push(`${relative(REPO_ROOT, f)} imports ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test("only electron/main.ts and electron/preload.ts import 'electron'", () => {
  const bad: string[] = [];
  for (const f of files) {
    const rel = relative(REPO_ROOT, f);
    if (rel === 'electron/main.ts' || rel === 'electron/preload.ts') continue;
    if (importsOf(f).includes('electron')) bad.push(rel);
  }
  assert.deepEqual(bad, []);
});

test('renderer/ never imports node:, electron or electron/**', () => {
  const bad: string[] = [];
  for (const f of files.filter((x) => layerOf(x) === 'renderer')) {
    for (const spec of importsOf(f)) {
      const target = spec.startsWith('.') ? layerOf(resolve(dirname(f), spec)) : spec;
      if (spec.startsWith('node:') || spec === 'electron' || target === 'electron') bad.push(`${relative(REPO_ROOT, f)} imports ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('electron/ imports shared/ and node only (never renderer/)', () => {
  const bad: string[] = [];
  for (const f of files.filter((x) => layerOf(x) === 'electron')) {
    for (const spec of importsOf(f)) {
      if (spec.startsWith('.') && layerOf(resolve(dirname(f), spec)) === 'renderer') bad.push(`${relative(REPO_ROOT, f)} imports ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

/** The simulator folder a file of shared/sim/ belongs to ("cache", "malloc"; "" for shared/sim/*.ts), else null. */
function simFolderOf(absPath: string): string | null {
  const parts = relative(join(REPO_ROOT, 'shared/sim'), absPath).split('/');
  if (parts[0] === '..' || parts.length === 0) return null;
  return parts.length === 1 ? '' : parts[0]!;
}

test('the simulator folders (shared/sim/*) import each other without a cycle', () => {
  const edges = new Map<string, Set<string>>();
  for (const f of files) {
    const from = simFolderOf(f);
    if (from === null) continue;
    for (const spec of importsOf(f)) {
      const to = spec.startsWith('.') ? simFolderOf(resolve(dirname(f), spec)) : null;
      if (to === null || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  const cycles: string[] = [];
  const walk = (node: string, path: string[]): void => {
    if (path.includes(node)) {
      cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
      return;
    }
    for (const next of edges.get(node) ?? []) walk(next, [...path, node]);
  };
  for (const node of edges.keys()) walk(node, []);
  assert.deepEqual(cycles, []);
});
