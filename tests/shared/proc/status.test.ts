// shared/proc/status.ts against captured status, read a second way by split, and VmRSS = RssAnon + RssFile + RssShmem.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatus, parseStatusMemory } from '../../../shared/proc/status.js';
import { ProcParseError } from '../../../shared/proc/parse-error.js';
import { readFixture, readFixtureText, readStatusReference, statusKb } from '../../helpers/proc-reference.js';

describe('parseStatus / parseStatusMemory on captured status', () => {
  for (const fixture of ['node-idle', 'odd-paths', 'kthreadd']) {
    test(`${fixture}: every line, key → trimmed value, as a split reading gives`, () => {
      const ref = readStatusReference(readFixtureText(fixture, 'status'));
      assert.deepEqual(parseStatus(readFixture(fixture, 'status')), ref);
    });
    test(`${fixture}: memory fields agree with the split reading (absent = 0)`, () => {
      const ref = readStatusReference(readFixtureText(fixture, 'status'));
      assert.deepEqual(parseStatusMemory(readFixture(fixture, 'status')), {
        uid: Number(ref['Uid']!.split('\t')[0]),
        euid: Number(ref['Uid']!.split('\t')[1]),
        vmSizeKb: statusKb(ref, 'VmSize'),
        vmRssKb: statusKb(ref, 'VmRSS'),
        rssAnonKb: statusKb(ref, 'RssAnon'),
        rssFileKb: statusKb(ref, 'RssFile'),
        rssShmemKb: statusKb(ref, 'RssShmem'),
        vmSwapKb: statusKb(ref, 'VmSwap'),
        threads: Number(ref['Threads']),
      });
    });
    test(`${fixture}: kernel invariant VmRSS = RssAnon + RssFile + RssShmem`, () => {
      const m = parseStatusMemory(readFixture(fixture, 'status'));
      assert.equal(m.vmRssKb, m.rssAnonKb + m.rssFileKb + m.rssShmemKb);
    });
  }

  test('kthreadd prints no Vm*/Rss* lines: all 0, Threads 1', () => {
    const text = readFixtureText('kthreadd', 'status');
    assert.ok(!text.includes('VmSize'), 'fixture precondition');
    const m = parseStatusMemory(readFixture('kthreadd', 'status'));
    assert.equal(m.vmSizeKb + m.vmRssKb + m.rssAnonKb + m.rssFileKb + m.rssShmemKb + m.vmSwapKb, 0);
    assert.equal(m.threads, 1);
  });

  test('node-idle keeps lines like "Groups:\\t " (empty after trim) and tab-separated Uid', () => {
    const fields = parseStatus(readFixture('node-idle', 'status'));
    assert.equal(fields['Groups'], '');
    assert.equal(fields['Uid'], '0\t0\t0\t0');
    assert.equal(fields['Name'], 'node');
  });

  test('a real uid that differs from the effective one: uid is the first number, euid the second', () => {
    const text = readFixtureText('node-idle', 'status').replace(/^Uid:.*$/m, 'Uid:\t1000\t33\t0\t0');
    assert.equal(parseStatusMemory(Buffer.from(text)).uid, 1000);
    assert.equal(parseStatusMemory(Buffer.from(text)).euid, 33);
  });

  test('keys are matched whole: "VmRSSx:" is not VmRSS', () => {
    const m = parseStatusMemory(Buffer.from('VmRSSx:\t 99 kB\nVmRSS:\t 7 kB\n'));
    assert.equal(m.vmRssKb, 7);
  });

  test('malformed input throws ProcParseError naming the line', () => {
    const text = readFixtureText('node-idle', 'status');
    const lines = text.split('\n');
    const vmRssLine = lines.findIndex((l) => l.startsWith('VmRSS:')) + 1;
    const broken = text.replace(/^VmRSS:.*$/m, 'VmRSS:\t lots kB');
    assert.throws(() => parseStatusMemory(Buffer.from(broken)), (e: unknown) => e instanceof ProcParseError && e.line === vmRssLine);
    const noColon = text.replace(/^Umask:.*$/m, 'Umask 0022');
    const umaskLine = lines.findIndex((l) => l.startsWith('Umask:')) + 1;
    assert.throws(() => parseStatus(Buffer.from(noColon)), (e: unknown) => e instanceof ProcParseError && e.line === umaskLine);
    assert.throws(() => parseStatus(Buffer.from(text.slice(0, 100))), /truncated/);
    assert.throws(() => parseStatusMemory(new Uint8Array(0)), /empty/);
  });
});
