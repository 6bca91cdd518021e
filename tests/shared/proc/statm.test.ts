// shared/proc/statm.ts against captured statm, and statm ⇄ status invariants of the same moment.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatm } from '../../../shared/proc/statm.js';
import { ProcParseError } from '../../../shared/proc/parse-error.js';
import { readFixture, readFixtureText, readStatusReference, statusKb } from '../../helpers/proc-reference.js';

describe('parseStatm', () => {
  for (const fixture of ['node-idle', 'odd-paths', 'kthreadd']) {
    test(`${fixture}: fields 1,2,3,4,6 of the split line`, () => {
      const parts = readFixtureText(fixture, 'statm').trim().split(' ').map(Number);
      assert.deepEqual(parseStatm(readFixture(fixture, 'statm')), {
        sizePages: parts[0],
        residentPages: parts[1],
        sharedPages: parts[2],
        textPages: parts[3],
        dataPages: parts[5],
      });
    });
    test(`${fixture}: size = VmSize, resident = VmRSS, shared = RssFile + RssShmem (4 kB pages)`, () => {
      const statm = parseStatm(readFixture(fixture, 'statm'));
      const status = readStatusReference(readFixtureText(fixture, 'status'));
      assert.equal(statm.sizePages * 4, statusKb(status, 'VmSize'));
      assert.equal(statm.residentPages * 4, statusKb(status, 'VmRSS'));
      assert.equal(statm.sharedPages * 4, statusKb(status, 'RssFile') + statusKb(status, 'RssShmem'));
      assert.equal(statm.dataPages * 4, statusKb(status, 'VmData') + statusKb(status, 'VmStk'));
    });
  }

  test('malformed input throws ProcParseError', () => {
    for (const [text, message] of [
      ['', /empty/],
      ['1 2 3', /truncated/],
      ['1 2 3 4 5\n', /5 fields, expected 7/],
      ['1 2 x 4 5 6 7\n', /field 3 is not a count/],
    ] as const) {
      assert.throws(() => parseStatm(Buffer.from(text)), (e: unknown) => e instanceof ProcParseError && message.test(e.message) && e.line === 1);
    }
  });
});
