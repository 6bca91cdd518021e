// The per-command V8 flags: the table's lookup, and that a flag set after start-up really changes what V8 does
// (a fresh node per case, as each memscope command is one).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { COMMAND_V8_FLAGS, findCommandV8Flags } from '../../electron/node-flags.js';
import { CLI_NODE_FLAGS } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';

const MODULE_URL = pathToFileURL(resolve(REPO_ROOT, 'dist/electron/node-flags.js')).href;

/**
 * In a fresh node (with the CLI's shebang flags), applies the flags of the command `argv` names, keeps 20,000
 * objects alive while replacing them 3 M times (garbage that survives a scavenge or two, as a replay's does) and
 * returns the young generation's size before and after, in bytes.
 */
function measureNewSpace(argv: string[]): { beforeBytes: number; afterBytes: number } {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { applyCommandV8Flags } from ${JSON.stringify(MODULE_URL)};
    const newSpaceBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const beforeBytes = newSpaceBytes();
    applyCommandV8Flags(${JSON.stringify(argv)});
    const ring = new Array(20000).fill(null);
    for (let i = 0; i < 3e6; i++) ring[i % 20000] = { i, s: [i] };
    console.log(JSON.stringify({ beforeBytes, afterBytes: newSpaceBytes() }));`;
  const r = spawnSync(process.execPath, [...CLI_NODE_FLAGS, '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { beforeBytes: number; afterBytes: number };
}

/**
 * In a fresh node (with the CLI's shebang flags and --trace-turbo-inlining), applies the flags of the command `argv`
 * names, then makes V8 optimize a function that calls eight small ones (~70 bytes of bytecode each) and returns
 * how many of them TurboFan inlined into it.
 */
function countInlinedCalls(argv: string[]): number {
  const script = `
    import { applyCommandV8Flags } from ${JSON.stringify(MODULE_URL)};
    applyCommandV8Flags(${JSON.stringify(argv)});
    const make = (k) => new Function('x', 'let s = x; for (let j = 0; j < 3; j++) { s = (s * ' + (k + 3) + ' + j) % 1000003; s = (s ^ (s >>> 3)) + ' + k + '; s = s % 999983; } return s;');
    const [f0, f1, f2, f3, f4, f5, f6, f7] = [0, 1, 2, 3, 4, 5, 6, 7].map(make);
    function hot(x) { return f0(x) + f1(x) + f2(x) + f3(x) + f4(x) + f5(x) + f6(x) + f7(x); }
    let t = 0;
    for (let i = 0; i < 2e5; i++) t += hot(i);
    if (t === -1) console.log(t);`;
  const r = spawnSync(process.execPath, [...CLI_NODE_FLAGS, '--trace-turbo-inlining', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((line) => /^Inlining .* into .*SharedFunctionInfo hot>/.test(line)).length;
}

describe('node-flags', () => {
  test('a command finds its own flags (two words before one), an unlisted command none', () => {
    assert.deepEqual(findCommandV8Flags(['sim', 'malloc', 'trace.rep']), COMMAND_V8_FLAGS['sim malloc']);
    assert.deepEqual(findCommandV8Flags(['sim', 'pages', 'x.json']), []);
    assert.deepEqual(findCommandV8Flags(['top', '-n', '1']), []);
    assert.deepEqual(findCommandV8Flags([]), []);
  });

  test("sim malloc's flags keep the young generation at its first size, set after start-up; without them it grows", () => {
    const plain = measureNewSpace(['top']);
    assert.ok(plain.afterBytes >= 4 * plain.beforeBytes, `control: V8 grows it here (${plain.beforeBytes} → ${plain.afterBytes})`);
    const capped = measureNewSpace(['sim', 'malloc']);
    assert.ok(capped.afterBytes <= 2 * capped.beforeBytes, `${capped.beforeBytes} → ${capped.afterBytes}`);
  });

  test("sim malloc's flags shrink TurboFan's inlining budget, set after start-up; without them all eight calls inline", () => {
    assert.equal(countInlinedCalls(['top']), 8, 'control: the default budget inlines every call');
    const inlined = countInlinedCalls(['sim', 'malloc']);
    assert.ok(inlined < 8, `${inlined} of 8 inlined`);
  });
});
