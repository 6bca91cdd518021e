// Runs every compiled test file (dist/tests/**/*.test.js) with node's own test runner, then ends with one line
// on the optional oracles (tests/oracles.json): which tests were skipped for want of one, and the apt-get line
// that brings them. Node 20 cannot glob .test.js under dist/ by itself, so we list the files here.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('../dist/tests/', import.meta.url).pathname;
const only = process.argv.slice(2);

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTests(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

/** Skip reasons as the TAP reporter wrote them (`ok 3 - name # SKIP reason`). */
function readSkipReasons(tapFile) {
  let text = '';
  try {
    text = readFileSync(tapFile, 'utf8');
  } catch {
    return []; // the runner wrote no report (it crashed): the summary still names what is missing
  }
  return [...text.matchAll(/^\s*ok \d+ - .*? # SKIP (.*)$/gm)].map((m) => m[1]);
}

/** The plain closing line CI also recognises, `N passed, N failed`, from the TAP report's own totals. */
function readClosingCounts(tapFile) {
  let text = '';
  try {
    text = readFileSync(tapFile, 'utf8');
  } catch {
    return '0 passed, 1 failed (the test runner wrote no report)';
  }
  const total = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return `${total('pass')} passed, ${total('fail') + total('cancelled')} failed`;
}

/** The closing line: oracle skips counted per oracle, or what is missing, or that all are installed. */
function summarizeOracles(oracles, skipReasons) {
  const { ORACLES, areOraclesRequired, explainOracleNeed, formatAptInstall, listMissingOracles } = oracles;
  const skipped = ORACLES.map((o) => ({ o, count: skipReasons.filter((r) => r === explainOracleNeed(o)).length })).filter((s) => s.count > 0);
  const missing = listMissingOracles();
  if (skipped.length > 0) {
    const parts = skipped.map(({ o, count }) => `${count} needing ${o.id}`);
    return `oracles: skipped ${parts.join(', ')} (a suite counts once); to run them: ${formatAptInstall(skipped.map((s) => s.o))}`;
  }
  if (missing.length > 0 && areOraclesRequired()) {
    return `oracles: missing ${missing.map((o) => o.id).join(', ')}, so MEMSCOPE_REQUIRE_ORACLES=1 failed the tests that need them; ${formatAptInstall(missing)}`;
  }
  if (missing.length > 0) return `oracles: none skipped by this run; missing here: ${missing.map((o) => o.id).join(', ')} (${formatAptInstall(missing)})`;
  return `oracles: all ${ORACLES.length} installed (${ORACLES.map((o) => o.id).join(', ')}), none skipped`;
}

const files = listTests(root).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('no test files found under dist/tests (did the build run?)');
  process.exit(1);
}
// A second reporter writes TAP to a file, so skips can be counted without changing what the runner prints
// (CI reads its spec summary) or its exit status.
const reportDir = mkdtempSync(join(tmpdir(), 'memscope-tests-'));
const tapFile = join(reportDir, 'report.tap');
const r = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files],
  { stdio: 'inherit' },
);
const oracles = await import(new URL('../dist/tests/helpers/oracles.js', import.meta.url).href);
console.log(summarizeOracles(oracles, readSkipReasons(tapFile)));
console.log(readClosingCounts(tapFile));
rmSync(reportDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
