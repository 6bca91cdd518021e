// Runs the compiled memscope CLI as a user would, and checks its one-line failures.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CLI_PATH } from './paths.js';

/**
 * The node flags of the built CLI's shebang (`#!/usr/bin/env -S node FLAGS…`, electron/cli.ts): an installed
 * `memscope` runs with them, so tests and benchmarks do too.
 */
export const CLI_NODE_FLAGS: readonly string[] = readShebangNodeFlags(CLI_PATH);

/** The flags after `node` on a script's `#!` line (none when it names no node). */
export function readShebangNodeFlags(path: string): string[] {
  const first = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
  const words = first.startsWith('#!') ? first.slice(2).trim().split(/\s+/) : [];
  const at = words.indexOf('node');
  return at < 0 ? [] : words.slice(at + 1);
}

/** What one CLI run printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `memscope ...args` to completion (optionally with stdin text). */
export function runMemscope(args: string[], options: { input?: string; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [...CLI_NODE_FLAGS, CLI_PATH, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: options.timeoutMs ?? 120_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A failure is exactly one "memscope: …" line on stderr matching pattern, the given exit code, and no stack trace. */
export function assertOneLineError(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? '', /^memscope: /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

/** A character a terminal acts on (C0 but LF, DEL, C1): the CLI prints none, escaping what a path or name holds. */
export const TERMINAL_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;
