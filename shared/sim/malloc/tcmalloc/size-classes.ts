// TCMalloc's size map: the size classes, pages per span and batch sizes, computed the way the
// library computes them at start-up (not copied). Source of truth: gperftools 2.10 src/common.cc
// (LgFloor, AlignmentForSize, SizeMap::NumMoveSize, SizeMap::Init) and src/common.h (ClassIndex).

import {
  kAlignment,
  kClassArraySize,
  kClassSizesMax,
  kDefaultTransferNumObjecs,
  kMaxSize,
  kMaxSmallSize,
  kMinAlign,
  kPageShift,
  kPageSize,
} from './common.js';

/**
 * The size map (SizeMap in common.h). Class 0 is the unused "size 0" class.
 *
 * Invariants: 0 < numSizeClasses ≤ kClassSizesMax; classToSize is strictly increasing over
 * 1 … numSizeClasses-1 with classToSize[numSizeClasses-1] = kMaxSize; classToSize[c] is a multiple
 * of kMinAlign for classToSize[c] ≥ kMinAlign; classToPages[c] · kPageSize ≥ classToSize[c];
 * classArray[classIndex(s)] is the smallest class c with classToSize[c] ≥ s, for 0 ≤ s ≤ kMaxSize.
 */
export interface SizeMap {
  /** num_size_classes (including class 0). */
  numSizeClasses: number;
  /** class_to_size_: object bytes of each class. */
  classToSize: Int32Array;
  /** class_to_pages_: pages of each span the central free list carves into objects. */
  classToPages: Int32Array;
  /** num_objects_to_move_: batch moved between thread and central caches in one go. */
  numObjectsToMove: Int32Array;
  /** class_array_: classIndex(size) → class. */
  classArray: Uint8Array;
  /** The TCMALLOC_TRANSFER_NUM_OBJ value the map was built with. */
  transferNumObjects: number;
}

/** LgFloor(): floor(log2(n)) for 0 < n < 2^32. */
export function computeLgFloor(n: number): number {
  let log = 0;
  for (let i = 4; i >= 0; --i) {
    const shift = 1 << i;
    const x = Math.floor(n / 2 ** shift);
    if (x !== 0) {
      n = x;
      log += shift;
    }
  }
  return log;
}

/** AlignmentForSize(): step between classes around `sizeBytes` (at most 1/8 of it above 128 bytes). */
export function computeAlignmentForSize(sizeBytes: number): number {
  let alignment = kAlignment;
  if (sizeBytes > kMaxSize) alignment = kPageSize;
  else if (sizeBytes >= 128) alignment = (1 << computeLgFloor(sizeBytes)) / 8;
  else if (sizeBytes >= kMinAlign) alignment = kMinAlign;
  if (alignment > kPageSize) alignment = kPageSize;
  return alignment;
}

/** SizeMap::NumMoveSize(): about 64 KiB per batch, between 2 and TCMALLOC_TRANSFER_NUM_OBJ objects. */
export function computeNumMoveSize(sizeBytes: number, transferNumObjects: number): number {
  if (sizeBytes === 0) return 0;
  let num = Math.trunc((64.0 * 1024.0) / sizeBytes);
  if (num < 2) num = 2;
  if (num > transferNumObjects) num = transferNumObjects;
  return num;
}

/** SizeMap::ClassIndex(): index into class_array_ (8-byte steps up to 1 KiB, then 128-byte steps). */
export function computeClassIndex(sizeBytes: number): number {
  return sizeBytes <= kMaxSmallSize ? (sizeBytes + 7) >> 3 : (sizeBytes + 127 + (120 << 7)) >> 7;
}

/**
 * SizeMap::Init(): walks sizes from kAlignment to kMaxSize by AlignmentForSize steps, gives each
 * size the fewest pages that waste at most 1/8 and hold NumMoveSize/4 objects, and merges a size
 * into the previous class when both have the same pages and the same object count.
 * @throws RangeError when more than kClassSizesMax classes would be needed (the library crashes).
 */
export function computeSizeMap(transferNumObjects: number = kDefaultTransferNumObjecs): SizeMap {
  const classToSize = new Int32Array(kClassSizesMax);
  const classToPages = new Int32Array(kClassSizesMax);
  const numObjectsToMove = new Int32Array(kClassSizesMax);
  const classArray = new Uint8Array(kClassArraySize);

  let sc = 1;
  let alignment = kAlignment;
  for (let size = kAlignment; size <= kMaxSize; size += alignment) {
    alignment = computeAlignmentForSize(size);
    const blocksToMove = Math.trunc(computeNumMoveSize(size, transferNumObjects) / 4);
    let psize = 0;
    do {
      psize += kPageSize;
      while (psize % size > psize >> 3) psize += kPageSize;
    } while (Math.floor(psize / size) < blocksToMove);
    const myPages = psize >> kPageShift;

    if (sc > 1 && myPages === classToPages[sc - 1]) {
      const myObjects = Math.floor((myPages << kPageShift) / size);
      const prevObjects = Math.floor((classToPages[sc - 1]! << kPageShift) / classToSize[sc - 1]!);
      if (myObjects === prevObjects) {
        classToSize[sc - 1] = size;
        continue;
      }
    }
    if (sc >= kClassSizesMax) throw new RangeError(`too many size classes (more than ${kClassSizesMax})`);
    classToPages[sc] = myPages;
    classToSize[sc] = size;
    sc++;
  }
  const numSizeClasses = sc;

  let nextSize = 0;
  for (let c = 1; c < numSizeClasses; c++) {
    const maxSizeInClass = classToSize[c]!;
    for (let s = nextSize; s <= maxSizeInClass; s += kAlignment) classArray[computeClassIndex(s)] = c;
    nextSize = maxSizeInClass + kAlignment;
  }

  for (let c = 1; c < numSizeClasses; c++) numObjectsToMove[c] = computeNumMoveSize(classToSize[c]!, transferNumObjects);

  return { numSizeClasses, classToSize, classToPages, numObjectsToMove, classArray, transferNumObjects };
}

/** SizeMap::GetSizeClass(): the class serving `sizeBytes`, or 0 when it exceeds kMaxSize (a page allocation). */
export function findSizeClass(map: SizeMap, sizeBytes: number): number {
  if (sizeBytes > kMaxSize) return 0;
  return map.classArray[computeClassIndex(sizeBytes)]!;
}

/** Objects one span of class `cl` is carved into. */
export function computeObjectsPerSpan(map: SizeMap, cl: number): number {
  return Math.floor((map.classToPages[cl]! * kPageSize) / map.classToSize[cl]!);
}

/** malloc_usable_size(malloc(n)) as TCMalloc answers it: the class size, or whole pages above kMaxSize. */
export function computeUsableSize(map: SizeMap, sizeBytes: number): number {
  const cl = findSizeClass(map, sizeBytes);
  if (cl !== 0) return map.classToSize[cl]!;
  return Math.ceil(sizeBytes / kPageSize) * kPageSize;
}
