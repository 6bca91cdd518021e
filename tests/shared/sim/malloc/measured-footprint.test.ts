// The one reader of the shim's `# footprint … allocator=` line: the last one counts, the allocator is read, and
// a line the shim does not write (no allocator, a non-number) is none.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseMeasuredFootprint } from '../../../../shared/sim/malloc/measured-footprint.js';

describe('parseMeasuredFootprint', () => {
  test('reads the last `# footprint` line with its allocator (an exec that failed leaves an earlier one)', () => {
    const text = [
      '# memscope-trace 2 cpus=2',
      'a 0 10',
      '# footprint peak=1 peak_op=0 final=1 allocator=glibc',
      '# end ops=1 threads=1 untracked=0 internal=0',
      '# footprint peak=1048576 peak_op=7 final=983040 allocator=tcmalloc',
      '# end ops=8 threads=1 untracked=0 internal=0',
      '',
    ].join('\n');
    assert.deepEqual(parseMeasuredFootprint(text), { peakBytes: 1048576, peakOp: 7, finalBytes: 983040, allocator: 'tcmalloc' });
  });

  test('none without a line the shim writes', () => {
    assert.equal(parseMeasuredFootprint('# memscope-trace 2 cpus=2\na 0 10\n'), null);
    assert.equal(parseMeasuredFootprint('# footprint peak=x peak_op=0 final=1 allocator=glibc\n'), null);
    assert.equal(parseMeasuredFootprint('# footprint peak=1 peak_op=0 final=1 allocator=jemalloc\n'), null);
  });
});
