// getMappings against /proc/PID/smaps of subjects we spawn, read again by a simple reference parser.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MemscopeService } from '../../../../electron/host/service.js';
import { isApiError } from '../../../../shared/errors.js';
import { readSmapsReference, referenceStatusNumbers } from '../../../helpers/proc-reference.js';
import { startSubject, type Subject } from '../../../helpers/subject.js';
import { readProcState, startZombieParent, waitForZombie } from '../../../helpers/zombie.js';

const MIB_KB = 1024;

describe('getMappings on a live subject with anonymous and file memory', () => {
  let subject: Subject;
  let dir: string;
  let filePath: string;
  const service = new MemscopeService();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'memscope maps '));
    filePath = join(dir, 'data file (1).bin'); // spaces and parentheses in the path
    writeFileSync(filePath, Buffer.alloc(4 * 1024 * 1024, 7));
    subject = await startSubject(32, 12, { path: filePath, readKib: 1024 });
  });
  after(async () => {
    service.stop();
    await subject.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every mapping and every smaps field equals /proc read the simple way, and sizes sum to VmSize', async () => {
    // Pss and Shared_* of library pages change whenever another process maps or drops the same library,
    // and not monotonically (one maps libc, another exits), so no bracket of two reads bounds them. /proc is
    // read just before and just after getMappings until the two reads are equal: then every field must be too.
    let before = readSmapsReference(readFileSync(`/proc/${subject.pid}/smaps`, 'utf8'));
    let report = await service.getMappings(subject.pid);
    let reference = readSmapsReference(readFileSync(`/proc/${subject.pid}/smaps`, 'utf8'));
    for (let attempt = 1; JSON.stringify(before) !== JSON.stringify(reference); attempt++) {
      assert.ok(attempt < 200, 'smaps never held still across a getMappings in 200 attempts');
      before = reference;
      report = await service.getMappings(subject.pid);
      reference = readSmapsReference(readFileSync(`/proc/${subject.pid}/smaps`, 'utf8'));
    }
    assert.equal(report.mappings.length, reference.length);
    report.mappings.forEach((m, i) => {
      const r = reference[i];
      assert.ok(r);
      assert.deepEqual(
        { start: m.start, end: m.end, perms: m.perms, offset: m.offset, dev: m.dev, inode: m.inode, path: m.path },
        { start: r.start, end: r.end, perms: r.perms, offset: r.offset, dev: r.dev, inode: r.inode, path: r.path },
      );
      assert.deepEqual(Object.keys(m.smaps ?? {}), Object.keys(r.fields), `fields of ${m.start}`);
      for (const [key, value] of Object.entries(r.fields)) assert.deepEqual(m.smaps?.[key], value, `${key} of ${m.start} ${m.path}`);
    });
    const vmSize = referenceStatusNumbers(subject.pid)['VmSize'];
    const sumKb = reference.filter((r) => r.path !== '[vsyscall]').reduce((s, r) => s + (r.fields['Size'] as number), 0);
    assert.equal(sumKb, vmSize);
    assert.equal(report.vmSize.sumKb, vmSize);
    assert.equal(report.vmSize.ok, true);
  });

  test('the subject\'s regions are classified and sized as it made them', async () => {
    const report = await service.getMappings(subject.pid);
    const anon = report.mappings.find((m) => m.start === subject.anonStart);
    assert.ok(anon, 'anonymous region found at the address the subject printed');
    assert.equal(anon.kind, 'anon');
    assert.equal(anon.smaps?.['Size'], 32 * MIB_KB);
    assert.equal(anon.smaps?.['Rss'], 12 * MIB_KB);
    assert.equal(anon.smaps?.['Anonymous'], 12 * MIB_KB);
    assert.equal(anon.smaps?.['Private_Dirty'], 12 * MIB_KB);
    const file = report.mappings.find((m) => m.start === subject.fileStart);
    assert.ok(file);
    assert.equal(file.kind, 'file');
    assert.equal(file.path, filePath);
    assert.equal(file.smaps?.['Size'], 4 * MIB_KB);
    const fileRss = file.smaps?.['Rss'] as number;
    assert.ok(fileRss >= 1024 && fileRss <= 4 * MIB_KB, `read 1 MiB, fault-around may map more: ${fileRss}`);
    assert.equal(file.smaps?.['Anonymous'], 0);
    assert.ok(report.mappings.some((m) => m.kind === 'text'));
    assert.ok(report.mappings.some((m) => m.kind === 'lib' && m.path.includes('libc.so')));
    assert.ok(report.mappings.some((m) => m.kind === 'stack'));
    assert.ok(report.mappings.some((m) => m.kind === 'vsyscall' && m.start === 'ffffffffff600000'));
  });

  test('groups: a library\'s several mappings add up to one group; group sizes add up to the total', async () => {
    const report = await service.getMappings(subject.pid);
    const libcMappings = report.mappings.filter((m) => m.path.endsWith('/libc.so.6'));
    assert.ok(libcMappings.length >= 4);
    const libc = report.groups.find((g) => g.key.endsWith('/libc.so.6'));
    assert.ok(libc);
    assert.equal(libc.mappingCount, libcMappings.length);
    assert.equal(libc.smapsSums['Rss'], libcMappings.reduce((s, m) => s + (m.smaps?.['Rss'] as number), 0));
    const groupSize = report.groups.reduce((s, g) => s + g.sizeKb, 0);
    const totalSize = report.mappings.reduce((s, m) => s + (m.smaps?.['Size'] as number), 0);
    assert.equal(groupSize, totalSize);
    assert.equal(report.totals['Size'], totalSize);
  });

  test('rollup agrees with the per-mapping sums (Rss exactly for an idle process)', async () => {
    const report = await service.getMappings(subject.pid);
    assert.ok(report.rollup);
    assert.equal(report.rollup['Rss'], report.totals['Rss']);
    assert.equal(report.rollup['Anonymous'], report.totals['Anonymous']);
  });

  test('after fork, the touched pages are shared: Pss is half of Rss in both', async () => {
    const answer = await subject.command('fork');
    const childPid = Number(answer.split(' ')[1]);
    try {
      const parent = (await service.getMappings(subject.pid)).mappings.find((m) => m.start === subject.anonStart);
      const child = (await service.getMappings(childPid)).mappings.find((m) => m.start === subject.anonStart);
      for (const m of [parent, child]) {
        assert.ok(m);
        assert.equal(m.smaps?.['Rss'], 12 * MIB_KB);
        assert.equal(m.smaps?.['Pss'], 6 * MIB_KB);
        assert.equal(m.smaps?.['Shared_Dirty'], 12 * MIB_KB);
        assert.equal(m.smaps?.['Private_Dirty'], 0);
      }
    } finally {
      process.kill(childPid, 'SIGKILL');
    }
  });
});

describe('getMappings failures', () => {
  const service = new MemscopeService();
  test('pid 1: smaps and maps are refused even to root → denied, with a clear message', async () => {
    await assert.rejects(service.getMappings(1), (err) => isApiError(err) && err.code === 'denied' && /permission denied/.test(err.message));
  });
  test('a kernel thread (kthreadd, pid 2) has no mappings and no rollup, and that is not an error', async () => {
    const report = await service.getMappings(2);
    assert.deepEqual(report.mappings, []);
    assert.equal(report.rollup, null);
    assert.equal(report.vmSize.sumKb, 0);
    assert.match(report.restricted.join(' '), /kernel thread/);
  });
  test('a zombie (exited, not yet waited for) → gone, not "a kernel thread" (both have no mappings and no VmSize)', async () => {
    const exitFile = join(mkdtempSync(join(tmpdir(), 'memscope zombie ')), 'exit');
    const { parent, childPid } = await startZombieParent(exitFile);
    try {
      writeFileSync(exitFile, '');
      await waitForZombie(childPid);
      await assert.rejects(service.getMappings(childPid), (err) => isApiError(err) && err.code === 'gone' && /no such process/.test(err.message));
      await assert.rejects(service.exportSnapshot(childPid), (err) => isApiError(err) && err.code === 'gone');
      assert.equal(readProcState(childPid), 'Z', 'premise: still a zombie while read');
    } finally {
      parent.kill('SIGKILL');
      rmSync(dirname(exitFile), { recursive: true, force: true });
    }
  });
  test('a process that exited → gone', async () => {
    const s = await startSubject(1, 1);
    await s.kill();
    await assert.rejects(service.getMappings(s.pid), (err) => isApiError(err) && err.code === 'gone');
  });
  test('a bad pid is refused before /proc is touched', async () => {
    for (const bad of [0, -5, 1.5, Number.NaN, 1e12]) {
      await assert.rejects(service.getMappings(bad), (err) => isApiError(err) && err.code === 'bad-arg');
    }
  });
});
