// shared/proc/classify.ts on fixtures whose kinds are known from their raw text and the subject's own report.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { classifyMapping, classifyMappings, isSharedLibraryPath } from '../../../shared/proc/classify.js';
import { parseMaps } from '../../../shared/proc/maps.js';
import type { Mapping, MappingKind } from '../../../shared/proc/types.js';
import { readFixture, readFixtureExe, readFixtureText, readSubjectReport } from '../../helpers/proc-reference.js';

describe('classifyMappings on node-idle (exe /usr/bin/node, non-PIE at 0x400000)', () => {
  const exe = readFixtureExe('node-idle');
  const text = readFixtureText('node-idle', 'maps');
  const lines = text.split('\n').filter((l) => l !== '');
  const maps = parseMaps(readFixture('node-idle', 'maps'), exe);
  const kindAt = (start: string): MappingKind => maps.find((m) => m.start === start)!.kind;

  test('precondition: the fixture looks as these expectations were read from it', () => {
    assert.equal(exe, '/usr/bin/node');
    assert.equal(lines[7], '0565d000-05689000 rw-p 00000000 00:00 0 ');
  });

  test('the executable: r-x mappings are text, r--/rw- are data, the anonymous rw-p right after is bss', () => {
    // Lines 1-7 of the fixture are /usr/bin/node (r--p, r-xp, r-xp, r-xp, r--p, r--p, rw-p), line 8 the bss.
    assert.deepEqual(
      maps.slice(0, 8).map((m) => m.kind),
      ['data', 'text', 'text', 'text', 'data', 'data', 'data', 'bss'],
    );
    // Node remaps part of its text elsewhere (line 30): still the exe's text.
    assert.equal(kindAt('7f82cee00000'), 'text');
  });

  test('pseudo-names', () => {
    assert.equal(kindAt('06a8b000'), 'heap');
    assert.equal(kindAt('7ffd49c24000'), 'stack');
    assert.equal(kindAt('7f82d6240000'), 'vdso');
    assert.equal(kindAt('7f82d623a000'), 'vvar');
    assert.equal(kindAt('7f82d623e000'), 'vvar'); // [vvar_vclock]
    assert.equal(kindAt('ffffffffff600000'), 'vsyscall');
  });

  test('every *.so / *.so.N line is lib; every pathless ---p is guard; other pathless are anon (but the bss)', () => {
    for (const m of maps) {
      const line = lines.find((l) => l.startsWith(`${m.start}-`))!;
      if (/\.so(\.\d+)*$/.test(line)) assert.equal(m.kind, 'lib', line);
      if (/ 0 $/.test(line) && m.perms === '---p') assert.equal(m.kind, 'guard', line);
      if (/ 0 $/.test(line) && m.perms !== '---p' && m.start !== '0565d000') assert.equal(m.kind, 'anon', line);
    }
  });

  test('without exePath (unreadable /proc/PID/exe) the executable is just a file, and nothing is bss', () => {
    const blind = parseMaps(readFixture('node-idle', 'maps'), null);
    assert.deepEqual(
      blind.slice(0, 8).map((m) => m.kind),
      ['file', 'file', 'file', 'file', 'file', 'file', 'file', 'anon'],
    );
  });
});

describe('classifyMappings on odd-paths (what the subject says it mapped)', () => {
  const report = readSubjectReport(readFixtureText('odd-paths', 'subject-output.txt'));
  const maps = parseMaps(readFixture('odd-paths', 'maps'), readFixtureExe('odd-paths'));
  const containing = (addr: bigint): Mapping => maps.find((m) => BigInt(`0x${m.start}`) <= addr && addr < BigInt(`0x${m.end}`))!;

  const expected: [string, MappingKind][] = [
    ['spaced', 'file'],
    ['newline', 'file'],
    ['utf8', 'file'],
    ['deleted', 'file'],
    ['memfd', 'shm'],
    ['posixshm', 'shm'],
    ['sysvshm', 'shm'],
    ['shanon', 'shm'],
    ['guard', 'guard'],
    ['anon', 'anon'],
  ];
  for (const [what, kind] of expected) {
    test(`${what} → ${kind}`, () => {
      const r = report.get(what)!;
      assert.equal(containing(BigInt(`0x${r.start}`)).kind, kind);
    });
  }

  test('the middle of the 1 MiB .bss array lies in the bss mapping', () => {
    const r = report.get('bss')!;
    const m = containing(BigInt(`0x${r.start}`) + 512n * 1024n);
    assert.equal(m.kind, 'bss');
    assert.equal(m.path, '');
  });
});

describe('classifyMapping on single lines (kernel formats not in the fixtures)', () => {
  const line = (perms: string, path: string, start = '7f0000000000', end = '7f0000001000'): Mapping => ({
    start,
    end,
    perms,
    offset: '00000000',
    dev: '00:00',
    inode: 0,
    path,
    kind: 'anon',
  });

  const cases: [string, Mapping, MappingKind][] = [
    ['---p gap inside a library (kept with the lib, as pmap)', line('---p', '/usr/lib/x86_64-linux-gnu/libfoo.so.1'), 'lib'],
    ['deleted library', line('r-xp', '/usr/lib/libfoo.so (deleted)'), 'lib'],
    ['a socket-like name is not a lib', line('r--p', '/run/x.sock'), 'file'],
    ['.so in a directory name only', line('r--p', '/opt/x.so.d/data.bin'), 'file'],
    ['named anonymous (PR_SET_VMA_ANON_NAME)', line('rw-p', '[anon:glibc malloc]'), 'anon'],
    ['named anonymous, no access', line('---p', '[anon:guard]'), 'guard'],
    ['named shared anonymous', line('rw-s', '[anon_shmem:pool]'), 'shm'],
    ['old per-thread stack name', line('rw-p', '[stack:1234]'), 'stack'],
    ['[uprobes] and other special mappings', line('r-xp', '[uprobes]'), 'anon'],
    ['shared anonymous without a name', line('rw-s', ''), 'shm'],
    ['POSIX shm still linked', line('rw-s', '/dev/shm/pulse-shm-1'), 'shm'],
    ['/dev/zero mapped private is just a file mapping', line('rw-p', '/dev/zero'), 'file'],
  ];
  for (const [name, m, kind] of cases) {
    test(`${name} → ${kind}`, () => assert.equal(classifyMapping(m, '/usr/bin/prog'), kind));
  }

  test('a deleted executable is still matched (readlink and maps both print " (deleted)")', () => {
    assert.equal(classifyMapping(line('r-xp', '/tmp/prog (deleted)'), '/tmp/prog (deleted)'), 'text');
  });

  test('bss needs the exe right below it, touching: a gap or a lib in between makes it anon', () => {
    const exe = line('rw-p', '/usr/bin/prog', '555500000000', '555500001000');
    const touching = line('rw-p', '', '555500001000', '555500002000');
    const apart = line('rw-p', '', '555500003000', '555500004000');
    assert.equal(classifyMapping(touching, '/usr/bin/prog', exe), 'bss');
    assert.equal(classifyMapping(apart, '/usr/bin/prog', exe), 'anon');
    const lib = line('rw-p', '/lib/libc.so.6', '555500000000', '555500001000');
    assert.equal(classifyMapping(touching, '/usr/bin/prog', lib), 'anon');
    const list = classifyMappings([exe, touching], '/usr/bin/prog');
    assert.deepEqual(list.map((m) => m.kind), ['data', 'bss']);
  });

  test('isSharedLibraryPath', () => {
    const yes = ['/lib/libc.so.6', 'libfoo.so', '/usr/lib/ld-linux-x86-64.so.2', '/x/libbar.so.1.2.3 (deleted)'];
    const no = ['/usr/bin/node', '/run/x.sock', '/opt/x.so.d/data', '/a/b.sox', ''];
    for (const p of yes) assert.ok(isSharedLibraryPath(p), p);
    for (const p of no) assert.ok(!isSharedLibraryPath(p), p);
  });
});
