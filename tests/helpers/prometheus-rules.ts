// Where the shipped Prometheus rules and their promtool unit tests live, and the names they define.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** The recording and alerting rules users load (rule_files). */
export const RULES_FILE = resolve(REPO_ROOT, 'build/prometheus/memscope-rules.yml');
/** `promtool test rules` input: synthetic series that fire and do not fire each alert. */
export const RULES_TEST_FILE = resolve(REPO_ROOT, 'tests/fixtures/prometheus/memscope-rules.test.yml');

/** Names after `record:` in the rules file, in order. */
export function listRecordedNames(): string[] {
  return [...readFileSync(RULES_FILE, 'utf8').matchAll(/^\s*- record: (\S+)$/gm)].map((m) => m[1] ?? '');
}

/** Names after `alert:` in the rules file, in order. */
export function listAlertNames(): string[] {
  return [...readFileSync(RULES_FILE, 'utf8').matchAll(/^\s*- alert: (\S+)$/gm)].map((m) => m[1] ?? '');
}

/** Every rule's `expr`, folded onto one line (a `>-` block's lines joined by spaces). */
export function listRuleExprs(): string[] {
  const lines = readFileSync(RULES_FILE, 'utf8').split('\n');
  const exprs: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s+)expr: (.*)$/.exec(lines[i] ?? '');
    if (m === null) continue;
    const indent = m[1]?.length ?? 0;
    const parts = m[2] === '>-' ? [] : [m[2] ?? ''];
    const continues = (line: string | undefined) => line !== undefined && line.trim() !== '' && line.length - line.trimStart().length > indent;
    while (continues(lines[i + 1])) parts.push((lines[++i] ?? '').trim());
    exprs.push(parts.join(' '));
  }
  return exprs;
}
