// Requests the kernel refuses (1 TiB, 2^47, 2^53 − 1): the real gperftools 2.10 TCMalloc returns NULL
// (sbrk and mmap both refused, nothing counted); the model must agree on every op, statistics included.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type TraceOp, packTraceOps } from '../../../../../shared/sim/trace.js';
import { readHostMapLimitBytes } from '../../../../../electron/host/system/map-limit.js';
import { compareWithRealTcmalloc } from './real-tcmalloc.js';
import { oracleMissing } from '../../../../helpers/oracles.js';

const a = (id: number, size: number): TraceOp => ({ op: 'a', id, size });
const f = (id: number): TraceOp => ({ op: 'f', id });
const r = (id: number, size: number): TraceOp => ({ op: 'r', id, size });

describe('page heap growth the kernel refuses: TCMalloc model vs real gperftools 2.10', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
  for (const size of [2 ** 40, 2 ** 47, Number.MAX_SAFE_INTEGER]) {
    test(`malloc and realloc of ${size} bytes are NULL; the old block stays allocated`, () => {
      const ops = [
        a(0, size), a(1, 100), a(2, 300000), f(2), a(3, 40 << 20), f(3),
        a(4, size), r(1, size), a(5, 100), a(6, 300000), r(6, size), a(7, 300000),
      ];
      const c = compareWithRealTcmalloc(packTraceOps(ops));
      assert.equal(c.firstDiff, -1, c.report);
      if (size > readHostMapLimitBytes()) {
        for (const i of [0, 6, 7, 10]) assert.equal(c.real.ops[i]!.offset, null, `premise: op ${i} is refused`);
      }
      assert.notEqual(c.real.ops[8]!.offset, c.real.ops[1]!.offset, 'premise: the block realloc kept is not handed out again');
    });
  }
});
