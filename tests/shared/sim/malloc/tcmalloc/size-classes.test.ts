// The size map computed by size-classes.ts against the real gperftools 2.10 library: its own
// SizeMap::Init() run on a scratch object (every table), and malloc_usable_size(malloc(n)) for every
// n from 1 byte to 1 MiB, with the default TCMALLOC_TRANSFER_NUM_OBJ and with other values.
// Modelled exactly: num_size_classes, class_to_size_, class_to_pages_, num_objects_to_move_,
// class_array_, and the usable size of every request up to 1 MiB.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeClassIndex,
  computeLgFloor,
  computeSizeMap,
  computeUsableSize,
  findSizeClass,
} from '../../../../../shared/sim/malloc/tcmalloc/size-classes.js';
import { kMaxSize, kMinAlign, kPageSize } from '../../../../../shared/sim/malloc/tcmalloc/common.js';
import { oracleMissing } from '../../../../helpers/oracles.js';
import { readRealSizeMap, readRealUsableRuns } from './real-tcmalloc.js';

const ONE_MIB = 1 << 20;
const TRANSFER_VARIANTS = [null, 8, 64, 1024];

describe('size classes: model vs the real SizeMap::Init()', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
  for (const transfer of TRANSFER_VARIANTS) {
    const label = transfer === null ? 'default TCMALLOC_TRANSFER_NUM_OBJ' : `TCMALLOC_TRANSFER_NUM_OBJ=${transfer}`;
    test(`every table agrees (${label})`, () => {
      const real = readRealSizeMap(transfer === null ? {} : { TCMALLOC_TRANSFER_NUM_OBJ: String(transfer) });
      const sim = computeSizeMap(transfer ?? undefined);
      const n = real.numSizeClasses;
      assert.equal(sim.numSizeClasses, n, 'num_size_classes');
      assert.deepEqual([...sim.classToSize.subarray(0, n)], real.classToSize, 'class_to_size_');
      assert.deepEqual([...sim.classToPages.subarray(0, n)], real.classToPages, 'class_to_pages_');
      assert.deepEqual([...sim.numObjectsToMove.subarray(0, n)], real.numObjectsToMove, 'num_objects_to_move_');
      assert.deepEqual([...sim.classArray], real.classArray, 'class_array_');
    });
  }
});

describe('usable sizes: model vs malloc_usable_size of the real library', { skip: oracleMissing('libtcmalloc-minimal') }, () => {
  for (const transfer of [null, 1024]) {
    const label = transfer === null ? 'default' : `TCMALLOC_TRANSFER_NUM_OBJ=${transfer}`;
    test(`every request from 1 byte to 1 MiB (${label})`, (t) => {
      const runs = readRealUsableRuns(ONE_MIB, transfer === null ? {} : { TCMALLOC_TRANSFER_NUM_OBJ: String(transfer) });
      assert.equal(runs[0]![0], 1, 'the real runs start at 1 byte');
      const map = computeSizeMap(transfer ?? undefined);
      let checked = 0;
      for (let k = 0; k < runs.length; k++) {
        const [first, usable] = runs[k]!;
        const last = k + 1 < runs.length ? runs[k + 1]![0] - 1 : ONE_MIB;
        for (let n = first; n <= last; n++) {
          if (computeUsableSize(map, n) !== usable) assert.fail(`malloc(${n}): model says ${computeUsableSize(map, n)}, the library ${usable}`);
          checked++;
        }
      }
      assert.equal(checked, ONE_MIB);
      t.diagnostic(`${checked} request sizes agree (${runs.length} runs)`);
    });
  }
});

describe('size map invariants (as written on SizeMap)', () => {
  test('classes increase, are aligned, fit their spans, and class_array_ picks the smallest fitting class', () => {
    for (const transfer of TRANSFER_VARIANTS) {
      const m = computeSizeMap(transfer ?? undefined);
      assert.equal(m.classToSize[m.numSizeClasses - 1], kMaxSize);
      for (let c = 1; c < m.numSizeClasses; c++) {
        const size = m.classToSize[c]!;
        if (c > 1) assert.ok(size > m.classToSize[c - 1]!, `class ${c} increases`);
        if (size >= kMinAlign) assert.equal(size % kMinAlign, 0, `class ${c} (${size}) is ${kMinAlign}-aligned`);
        assert.ok(m.classToPages[c]! * kPageSize >= size, `class ${c} fits its span`);
        assert.ok(m.numObjectsToMove[c]! >= 2 || m.transferNumObjects < 2, `class ${c} moves ≥ 2 objects`);
      }
      for (let s = 0; s <= kMaxSize; s += 8) {
        const c = findSizeClass(m, s);
        assert.ok(c > 0 && m.classToSize[c]! >= s && (c === 1 || m.classToSize[c - 1]! < s), `size ${s} → class ${c}`);
      }
      assert.equal(findSizeClass(m, kMaxSize + 1), 0, 'above kMaxSize: no class');
    }
  });

  test('LgFloor and ClassIndex match their definitions', () => {
    for (const n of [1, 2, 3, 127, 128, 129, 4095, 4096, 65535, 65536, 262144, 2 ** 31 + 5]) {
      assert.equal(computeLgFloor(n), Math.floor(Math.log2(n)), `LgFloor(${n})`);
    }
    assert.equal(computeClassIndex(0), 0);
    assert.equal(computeClassIndex(1024), 128);
    assert.equal(computeClassIndex(1025), computeClassIndex(1152), 'one 128-byte step above 1 KiB');
    assert.ok(computeClassIndex(1025) > computeClassIndex(1024));
  });
});
