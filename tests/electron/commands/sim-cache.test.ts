// `memscope sim cache` and `memscope sim tlb` as a user runs them: built-in and custom patterns, the machine's
// geometry from sysfs (read here directly), JSON and tables, one-line errors with the right exit codes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertOneLineError, runMemscope } from '../../helpers/cli.js';

const memscope = (...args: string[]) => runMemscope(args);

interface LevelJson {
  name: string;
  sizeBytes: number;
  ways: number;
  lineBytes: number;
  accesses: number;
  hits: number;
  misses: number;
  readMisses: number;
  writeMisses: number;
}

describe('memscope sim cache', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'memscope-sim-cache-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a built-in pattern with a given geometry: counts per level, the next level sees the misses', () => {
    const r = memscope('sim', 'cache', '--geometry', '32K:8:64,256K:8:64', 'row-major:rows=64,cols=64', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { results: { pattern: string; levels: LevelJson[] }[] };
    const [l1, l2] = out.results[0]!.levels;
    assert.deepEqual([l1!.name, l1!.accesses, l1!.misses], ['L1d', 64 * 64, (64 * 64 * 8) / 64]);
    assert.equal(l2!.accesses, l1!.misses);
    assert.equal(l1!.hits + l1!.misses, l1!.accesses);
  });

  test("the default geometry is the machine's, as /sys/devices/system/cpu/cpu0/cache says", () => {
    const r = memscope('sim', 'cache', 'sequential:bytes=64K', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const levels = (JSON.parse(r.stdout) as { geometry: LevelJson[] }).geometry;
    const sys = '/sys/devices/system/cpu/cpu0/cache/index0';
    assert.equal(readFileSync(`${sys}/type`, 'utf8').trim(), 'Data');
    assert.equal(levels[0]!.sizeBytes, Number(readFileSync(`${sys}/size`, 'utf8').trim().replace('K', '')) * 1024);
    assert.equal(levels[0]!.lineBytes, Number(readFileSync(`${sys}/coherency_line_size`, 'utf8')));
    const table = memscope('sim', 'cache', 'sequential:bytes=64K', 'random:bytes=64K,count=1000');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^geometry \(\/sys\/devices\/system\/cpu\/cpu0\/cache\):/);
    assert.match(table.stdout, /^pattern sequential bytes=65536 stride=8 passes=1: 8192 accesses/m);
    assert.match(table.stdout, /^pattern random /m);
    assert.match(table.stdout, /^L1d +8192 +7168 +1024 +87\.50%/m);
  });

  test('custom lists: a text file and a JSON file of the same accesses give the same counts', () => {
    const accesses: [string, number, string][] = [];
    for (let i = 0; i < 3000; i++) accesses.push([(0x7f0000000000 + ((i * 4160) % 300000)).toString(16), 8, i % 3 === 0 ? 'W' : 'R']);
    const txt = join(dir, 'list.txt');
    const json = join(dir, 'list.json');
    writeFileSync(txt, `# custom\n${accesses.map(([a, s, op]) => `${op} ${a} ${s}`).join('\n')}\n`);
    writeFileSync(json, JSON.stringify(accesses.map(([address, size, op]) => ({ address, size, op }))));
    const counts = (path: string) => {
      const r = memscope('sim', 'cache', '-g', '16K:4:64,128K:8:64', path, '-f', 'json');
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { results: { levels: LevelJson[] }[] }).results[0]!.levels.map((l) => [l.accesses, l.readMisses, l.writeMisses]);
    };
    const fromText = counts(txt);
    assert.deepEqual(fromText, counts(json));
    assert.equal(fromText[0]![0], 3000);
  });

  test('errors: unknown pattern or parameter, bad geometry (exit 2); a malformed list names its line (exit 1)', () => {
    assertOneLineError(memscope('sim', 'cache', 'no-such-pattern'), 2, /unknown pattern "no-such-pattern".*no such file/);
    assertOneLineError(memscope('sim', 'cache', 'row-major:depth=2'), 2, /unknown parameter "depth"/);
    assertOneLineError(memscope('sim', 'cache', '--geometry', '32K:8:60', 'row-major'), 2, /power of two/);
    assertOneLineError(memscope('sim', 'cache', '--format', 'xml', 'row-major'), 2, /--format/);
    assertOneLineError(memscope('sim', 'cache'), 2, /expected PATTERN/);
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'R 1000 8\nR 1000 eight\n');
    assertOneLineError(memscope('sim', 'cache', bad), 1, /bad\.txt: line 2: bad size/);
  });

  test('--list names every pattern with its defaults', () => {
    const r = memscope('sim', 'cache', '--list');
    assert.equal(r.code, 0, r.stderr);
    for (const name of ['row-major', 'col-major', 'array-walk', 'list-walk', 'aos', 'soa', 'matmul-naive', 'matmul-blocked']) assert.match(r.stdout, new RegExp(`^ {2}${name} `, 'm'));
  });
});

describe('memscope sim tlb', () => {
  test('without --page: 4 KiB against 2 MiB on the same pattern, reach = entries × page size', () => {
    const r = memscope('sim', 'tlb', 'strided:bytes=1M,stride=4096,passes=2', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const [small, huge] = (JSON.parse(r.stdout) as { results: { geometry: { entries: number; pageBytes: number }; reachBytes: number; misses: number; lookups: number }[][] }).results[0]!;
    assert.equal(small!.geometry.pageBytes, 4096);
    assert.equal(small!.reachBytes, small!.geometry.entries * 4096);
    assert.equal(small!.misses, 2 * 256); // 256 pages cycled through 64 entries: LRU misses every one
    assert.equal(huge!.misses, 1); // one 2 MiB page covers the whole megabyte
    const table = memscope('sim', 'tlb', 'strided:bytes=1M,stride=4096,passes=2');
    assert.match(table.stdout, /^4 KiB +64 +4 +256 KiB +512 +0 +512 +100\.00%/m);
  });

  test('--page, --entries and --ways select one TLB', () => {
    const r = memscope('sim', 'tlb', '--page', '4k', '--entries', '256', '--ways', '256', 'strided:bytes=1M,stride=4096,passes=2', '-f', 'json');
    assert.equal(r.code, 0, r.stderr);
    const reports = (JSON.parse(r.stdout) as { results: { misses: number }[][] }).results[0]!;
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.misses, 256); // fully associative, 256 entries: the 256 pages fit
  });

  test('errors are one line, exit 2', () => {
    assertOneLineError(memscope('sim', 'tlb', '--page', '1g', 'strided'), 2, /--page/);
    assertOneLineError(memscope('sim', 'tlb', '--entries', '10', '--ways', '4', 'strided'), 2, /multiple of ways/);
    assertOneLineError(memscope('sim', 'tlb', '--entries', 'x', 'strided'), 2, /--entries/);
  });
});

describe('sim cache and sim tlb refuse work beyond a documented bound: exit 2, one line, at once', () => {
  /** A regression that starts the work instead is killed here, failing the test rather than hanging the suite. */
  const bounded = (...args: string[]) => runMemscope(args, { timeoutMs: 20_000 });
  const cases: [string, string[], RegExp][] = [
    ['a list walk of 1 Gi nodes', ['sim', 'cache', 'list-walk:count=1G'], /pattern list-walk: 2147483648 accesses, more than 1000000000 \(the simulator's bound\)/],
    ['10^14 random loads', ['sim', 'cache', 'random:count=99999999999999'], /pattern random: 99999999999999 accesses, more than 1000000000/],
    ['a list walk of 100 Mi nodes', ['sim', 'cache', 'list-walk:count=100M'], /count 104857600 is more than 67108864 nodes/],
    ['patterns over the bound together', ['sim', 'cache', 'random:count=600M', 'row-major:rows=20000,cols=20000'], /sim cache: the patterns make 1029145600 accesses together, more than 1000000000 \(the simulator's bound\)/],
    ['a 1 TiB cache level', ['sim', 'cache', '--geometry', '1024G:8:64', 'row-major'], /L1d: size 1099511627776 is 17179869184 lines, more than 8388608 \(the simulator's bound\)/],
    ['a 512-way cache level', ['sim', 'cache', '--geometry', '32K:512:64', 'row-major'], /associativity 512 is more than 64/],
    ['five cache levels', ['sim', 'cache', '--geometry', '32K:8:64,1M:8:64,8M:8:64,32M:8:64,64M:8:64', 'row-major'], /5 cache levels, more than 4/],
    ['a TLB of 99999999996 entries', ['sim', 'tlb', '--entries', '99999999996', 'strided'], /sim tlb: entries 99999999996 is more than 16384 \(the simulator's bound\)/],
    ['a 1024-way TLB', ['sim', 'tlb', '--entries', '1024', '--ways', '1024', 'strided'], /ways 1024 is more than 256/],
    ['10^14 loads through the TLB', ['sim', 'tlb', 'random:count=99999999999999'], /pattern random: 99999999999999 accesses, more than 1000000000/],
  ];
  for (const [what, args, message] of cases) {
    test(what, () => assertOneLineError(bounded(...args), 2, message));
  }

  test('--help states the bounds', () => {
    const cache = bounded('sim', 'cache', '--help');
    assert.equal(cache.code, 0, cache.stderr);
    for (const bound of ['1000000000 accesses', '67108864 list-walk nodes', '4 levels', '8388608 lines', '64 ways']) assert.ok(cache.stdout.includes(bound), bound);
    const tlb = bounded('sim', 'tlb', '--help');
    assert.equal(tlb.code, 0, tlb.stderr);
    for (const bound of ['16384 entries', '256 ways', '1000000000 accesses']) assert.ok(tlb.stdout.includes(bound), bound);
  });
});
