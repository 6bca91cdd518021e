// The repository stands alone: every path the tests are given lies inside it, the malloclab traces are the
// ones their README lists, and no file points at notes or traces kept outside the repository.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import * as paths from './paths.js';
import { MALLOCLAB_TRACES_DIR, REPO_ROOT } from './paths.js';

/** Text files of the given top-level folders (no node_modules, dist or fixtures data). */
function listTextFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) out.push(...listTextFiles(p));
    else if (/\.(ts|tsx|mjs|js|c|json|md)$/.test(name) || name === 'run') out.push(p);
  }
  return out;
}

describe('the repository stands alone', () => {
  test('every path exported by paths.ts is inside the repository', () => {
    for (const [name, value] of Object.entries(paths)) {
      if (name === 'REPO_ROOT') continue;
      assert.equal(typeof value, 'string', name);
      const rel = relative(REPO_ROOT, value as string);
      assert.ok(rel !== '' && !rel.startsWith('..'), `${name} = ${String(value)} is outside ${REPO_ROOT}`);
    }
  });

  test('the malloclab folder holds exactly the 13 traces its README lists', () => {
    const listed = [...readFileSync(join(MALLOCLAB_TRACES_DIR, 'README.md'), 'utf8').matchAll(/^\| `([\w-]+\.rep)` \|/gm)].map((m) => m[1]);
    const present = readdirSync(MALLOCLAB_TRACES_DIR).filter((f) => f.endsWith('.rep')).sort();
    assert.equal(present.length, 13);
    assert.deepEqual(listed.sort(), present);
  });

  test('no source, script or document reaches for shared notes or traces outside the repository', () => {
    const files = ['tests', 'electron', 'shared', 'renderer', '.ci'].flatMap((d) => listTextFiles(join(REPO_ROOT, d)));
    files.push(join(REPO_ROOT, 'README.md'), join(REPO_ROOT, 'package.json'));
    const offenders = files.filter((f) => /\bshared\/(notes|traces)\b|'\.\.\/shared'/.test(readFileSync(f, 'utf8'))).map((f) => relative(REPO_ROOT, f));
    assert.deepEqual(offenders, []);
  });
});
