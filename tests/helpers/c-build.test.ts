// buildHarness caches a binary per content: a change to a header the source includes (directly or through
// another header) must rebuild, or the harnesses sharing tests/harness/*.h would run a stale binary.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildHarness } from './c-build.js';

const dir = mkdtempSync(join(tmpdir(), 'memscope-c-build-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Exit status of the built program (the value its headers define). */
function runBuilt(path: string): number | null {
  return spawnSync(path).status;
}

test('a change to an included header, however deep, rebuilds the harness; an unchanged tree reuses the binary', () => {
  const src = join(dir, 'exit-value.c');
  writeFileSync(src, '#include "outer.h"\nint main(void) { return VALUE; }\n');
  writeFileSync(join(dir, 'outer.h'), '#include "inner.h"\n');
  writeFileSync(join(dir, 'inner.h'), '#define VALUE 3\n');
  const first = buildHarness(src);
  assert.equal(runBuilt(first), 3);
  assert.equal(buildHarness(src), first, 'same sources, same cached binary');

  writeFileSync(join(dir, 'inner.h'), '#define VALUE 4\n');
  const second = buildHarness(src);
  assert.notEqual(second, first);
  assert.equal(runBuilt(second), 4);
});
