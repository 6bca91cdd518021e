// KeptText against byte-for-byte equality: every length around a word boundary, a difference at every position (the
// whole words and the last length % 4 bytes), growth, and the bytes of a real /proc stat read through a ProcReader.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeptText } from '../../../../electron/host/proc/kept-text.js';
import { ProcReader } from '../../../../electron/host/proc/proc-reader.js';

/** A read buffer as ProcReader holds it: bytes and the same memory as 32-bit words. */
function readBufferOf(text: Uint8Array): { bytes: Uint8Array; words: Int32Array } {
  const buffer = new ArrayBuffer(256);
  const bytes = new Uint8Array(buffer);
  bytes.fill(0xee); // what an earlier, longer read left past the end
  bytes.set(text);
  return { bytes, words: new Int32Array(buffer) };
}

function keep(text: Uint8Array): KeptText {
  const kept = new KeptText();
  const read = readBufferOf(text);
  kept.copyFrom(read.words, text.length);
  return kept;
}

function textOf(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => 0x30 + ((i * 7 + seed) % 40));
}

describe('KeptText', () => {
  test('equals the same bytes, at every length around a word boundary', () => {
    for (let length = 1; length <= 13; length++) {
      const text = textOf(length, 1);
      const read = readBufferOf(text);
      assert.ok(keep(text).equalsRead(read.bytes, read.words, length), `length ${length}`);
      assert.deepEqual([...keep(text).view()], [...text]);
    }
  });

  test('differs when any one byte differs, in a whole word or in the last length % 4 bytes', () => {
    for (let length = 1; length <= 13; length++) {
      const kept = keep(textOf(length, 1));
      for (let at = 0; at < length; at++) {
        const changed = textOf(length, 1);
        changed[at] = changed[at]! + 1;
        const read = readBufferOf(changed);
        assert.equal(kept.equalsRead(read.bytes, read.words, length), false, `length ${length}, byte ${at}`);
      }
    }
  });

  test('differs when only the length differs (a prefix, or the same bytes and more)', () => {
    const kept = keep(textOf(8, 3));
    const longer = readBufferOf(textOf(9, 3));
    assert.equal(kept.equalsRead(longer.bytes, longer.words, 9), false);
    assert.equal(kept.equalsRead(longer.bytes, longer.words, 7), false);
  });

  test('a longer text grows the buffer; a new one before any copy and after forget() equals no read', () => {
    const kept = keep(textOf(10, 5));
    const long = textOf(200, 9);
    const read = readBufferOf(long);
    kept.copyFrom(read.words, long.length);
    assert.ok(kept.equalsRead(read.bytes, read.words, long.length));
    assert.deepEqual([...kept.view()], [...long]);
    kept.forget();
    assert.equal(kept.equalsRead(read.bytes, read.words, long.length), false);
    assert.equal(new KeptText().view().length, 0);
  });

  test('a stat read twice through a ProcReader: equal to itself, its bytes as the kernel printed them', () => {
    const reader = new ProcReader();
    const kept = new KeptText();
    const length = reader.readPathLength(`/proc/1/stat`);
    const first = reader.readBuffer.slice(0, length);
    kept.copyFrom(reader.readWords, length);
    assert.deepEqual([...kept.view()], [...first]);
    const again = reader.readPathLength(`/proc/1/stat`);
    assert.equal(kept.equalsRead(reader.readBuffer, reader.readWords, again), again === length && Buffer.compare(reader.readBuffer.subarray(0, again), first) === 0);
  });
});
