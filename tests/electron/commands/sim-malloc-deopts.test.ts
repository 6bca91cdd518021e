// `memscope sim malloc` under V8's own --trace-deopt, run as a user runs it (the shebang's flags): on the real-program
// traces its hot functions stay compiled. Each deoptimization throws compiled code away and compiles it again on
// the main thread (the shebang turns concurrent recompilation off): intMalloc's second compile alone was ~20 ms
// of a 2 M-op run's ~1 s.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI_PATH } from '../../helpers/paths.js';
import { CLI_NODE_FLAGS } from '../../helpers/cli.js';
import { formatRepTrace } from '../../../shared/sim/trace.js';
import { buildMalloclabTrace } from '../../bench/malloc-replay.bench.js';

/** One deoptimization V8 printed: the function and the reason. */
interface Deopt {
  fn: string;
  reason: string;
}

/** The eager and soft deoptimizations in V8's --trace-deopt text (lazy ones name no reason). */
function parseDeopts(text: string): Deopt[] {
  const out: Deopt[] = [];
  for (const m of text.matchAll(/^\[bailout \(kind: deopt-(?:eager|soft), reason: ([^)]*)\): begin\. deoptimizing \S+ <JSFunction (\S+)/gm)) {
    out.push({ fn: m[2]!, reason: m[1]! });
  }
  return out;
}

describe('sim malloc on the malloclab traces back to back, under --trace-deopt', () => {
  let dir = '';
  let file = '';
  let ops = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'memscope-deopts-'));
    // Every malloclab trace once (~112 K ops): enough for V8 to compile the model and the writer before each trace's
    // rare paths come (the first realloc, the first number of 6 or more digits, the binmap's bin 31).
    const { trace } = buildMalloclabTrace(1);
    ops = trace.length;
    file = join(dir, 'malloclab.rep');
    writeFileSync(file, formatRepTrace(trace));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The deoptimizations of one `sim malloc --format FORMAT` run, and its jsonl record count (0 for the summary). */
  function runTraced(format: string): { deopts: Deopt[]; records: number } {
    const r = spawnSync(process.execPath, [...CLI_NODE_FLAGS, '--trace-deopt', CLI_PATH, 'sim', 'malloc', '--format', format, file], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    assert.equal(r.status, 0, r.stderr);
    // V8 prints its trace to stdout, among the records.
    const records = r.stdout.split('\n').filter((line) => line.startsWith('{"i":')).length;
    return { deopts: parseDeopts(r.stdout + r.stderr), records };
  }

  test('jsonl: intMalloc, runGlibcOp and the record writer are never deoptimized by a value or a compare', () => {
    const { deopts, records } = runTraced('jsonl');
    assert.equal(records, ops, 'a record per op');
    const hot = deopts.filter((d) => ['intMalloc', 'putSegments', 'putPiece', 'putOpRecord', 'writeRange'].includes(d.fn));
    assert.deepEqual(hot, [], 'the binmap search, the digit count and the op piece take every trace the same compiled way');
    assert.deepEqual(
      deopts.filter((d) => /lost precision|not a Smi|compare operation|keyed access/.test(d.reason) && d.fn === 'runGlibcOp'),
      [],
      "the op loop's one load and store of the op's pointer",
    );
  });

  test("summary: intMalloc and the tally's event sink and op count are never deoptimized", () => {
    const { deopts } = runTraced('summary');
    // The sink is the closure t.sink; emitEvent and the model functions that inline it deoptimized with it.
    const hot = deopts.filter((d) => ['intMalloc', 'addOpPathsToSummary', 'addBatchedOpToSummary', 'noteEvent', 't.sink', 'emitEvent'].includes(d.fn));
    assert.deepEqual(hot, [], "the binmap search, the event's path row and the op's paths take every trace the same compiled way");
  });
});
