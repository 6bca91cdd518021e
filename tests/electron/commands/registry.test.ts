// `memscope COMMAND --help`, `-h` and `memscope help COMMAND` for every command and subcommand in the registry
// (so a new command cannot be forgotten): usage on stdout, exit 0, nothing on stderr, even beside wrong arguments;
// and `memscope --help` is made of the same per-command text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMMANDS, EXIT_STATUS, formatCommandHelp, formatUsage, listCommandPaths, type CommandSpec } from '../../../electron/commands/registry.js';
import { assertOneLineError, runMemscope } from '../../helpers/cli.js';
import { readReadmeSection } from '../../helpers/readme.js';

/** The registry entry at path. */
function specAt(path: string[]): CommandSpec {
  let spec: CommandSpec | undefined = COMMANDS[path[0] ?? ''];
  for (const name of path.slice(1)) spec = spec?.subcommands?.[name];
  assert.ok(spec !== undefined, path.join(' '));
  return spec;
}

/** A help run: exit 0, the command's usage on stdout, stderr empty. */
function assertHelp(args: string[], path: string[], expected: string): void {
  const r = runMemscope(args, { timeoutMs: 20_000 });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stderr, '', args.join(' '));
  assert.equal(r.stdout, expected, args.join(' '));
  assert.ok(r.stdout.startsWith(`usage: memscope ${path.join(' ')} `), args.join(' '));
}

describe('help', () => {
  const paths = listCommandPaths();

  test('the registry lists every command and every sim subcommand', () => {
    const names = paths.map((p) => p.join(' '));
    for (const n of ['start', 'top', 'maps', 'snapshot', 'diff', 'pages', 'translate', 'sim', 'sim malloc', 'sim pages', 'sim cache', 'sim tlb', 'serve', 'exporter']) {
      assert.ok(names.includes(n), n);
    }
  });

  for (const path of listCommandPaths()) {
    const name = path.join(' ');
    test(`${name}: --help, -h and help ${name} print its usage and exit 0`, async () => {
      const expected = await formatCommandHelp(path, specAt(path));
      assertHelp([...path, '--help'], path, expected);
      assertHelp([...path, '-h'], path, expected);
      assertHelp(['help', ...path], path, expected);
      // Help wins over every other argument, right or wrong (a word after `sim` would name a simulator).
      const noise = specAt(path).subcommands === undefined ? ['x', '--bogus', '-d', '99999999'] : [];
      assertHelp([...path, ...noise, '--help', 'y'], path, expected);
    });
  }

  test('memscope --help, -h and help: every command\'s synopsis and summary, exactly as its own help shows them', async () => {
    const global = formatUsage();
    for (const args of [['--help'], ['-h'], ['help']]) {
      const r = runMemscope(args);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
      assert.equal(r.stdout, global);
    }
    for (const path of paths) {
      const spec = specAt(path);
      if (spec.subcommands !== undefined) continue; // listed through its subcommands
      const own = await formatCommandHelp(path, spec);
      const block = own.split('\n\n')[0]!.replace(/^usage: /, '').split('\n');
      // The same lines, indented two more spaces (continuations re-aligned under the synopsis).
      const synopsis = block[0]!;
      assert.ok(global.includes(`\n  ${synopsis}\n`), `${path.join(' ')}: synopsis`);
      for (const summary of spec.summary) assert.ok(global.includes(`\n      ${summary}\n`), `${path.join(' ')}: ${summary}`);
    }
  });

  test('maps 1 --bogus --help and sim malloc --format nope -h: help wins', () => {
    for (const args of [['maps', '1', '--bogus', '--help'], ['sim', 'malloc', '--format', 'nope', '-h'], ['top', '-d', '3000000', '--help']]) {
      const r = runMemscope(args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^usage: memscope /);
    }
  });

  test('after --, -h is an argument, not a request for help', () => {
    assertOneLineError(runMemscope(['maps', '--', '-h']), 2, /not a pid: "-h"/);
  });

  test('unknown names stay usage errors, with or without --help', () => {
    assertOneLineError(runMemscope(['frobnicate', '--help']), 2, /unknown command "frobnicate"; see memscope --help/);
    assertOneLineError(runMemscope(['help', 'frobnicate']), 2, /unknown command "frobnicate"/);
    assertOneLineError(runMemscope(['sim', 'frobnicate', '--help']), 2, /sim: unknown simulator "frobnicate" \(expected malloc, pages, cache, tlb\)/);
    assertOneLineError(runMemscope(['sim']), 2, /sim: expected a simulator \(malloc, pages, cache, tlb\); see memscope sim --help/);
  });

  test('no arguments: the usage, exit 2', () => {
    const r = runMemscope([]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, formatUsage());
  });

  test('the exit status line is the same in every help text and in README "The CLI"', () => {
    assert.ok(formatUsage().endsWith(`\n${EXIT_STATUS}\n`));
    assert.ok(readReadmeSection('The CLI').includes(`${EXIT_STATUS[0]!.toUpperCase()}${EXIT_STATUS.slice(1)}.`), 'README states the same exit status');
  });
});
