// KeptText against byte-for-byte equality: every length around the 4- and 8-byte word boundaries, a difference at every
// position (the whole words and the last length % 8 bytes), words whose bits are a NaN as doubles, growth, and the bytes
// of a real /proc stat read through a ProcReader.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeptText } from '../../../../electron/host/proc/kept-text.js';
import { ProcReader } from '../../../../electron/host/proc/proc-reader.js';

/** A read buffer as ProcReader holds it: bytes and the same memory as 32- and 64-bit words. */
function readBufferOf(text: Uint8Array): { bytes: Uint8Array; words: Int32Array; doubles: Float64Array } {
  const buffer = new ArrayBuffer(256);
  const bytes = new Uint8Array(buffer);
  bytes.fill(0xee); // what an earlier, longer read left past the end
  bytes.set(text);
  return { bytes, words: new Int32Array(buffer), doubles: new Float64Array(buffer) };
}

/** kept.equalsRead of the read buffer holding text. */
function equalsText(kept: KeptText, text: Uint8Array, length = text.length): boolean {
  const read = readBufferOf(text);
  return kept.equalsRead(read.bytes, read.words, read.doubles, length);
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
    for (let length = 1; length <= 25; length++) {
      const text = textOf(length, 1);
      assert.ok(equalsText(keep(text), text), `length ${length}`);
      assert.deepEqual([...keep(text).view()], [...text]);
    }
  });

  test('differs when any one byte differs, in a whole word or in the last length % 8 bytes', () => {
    for (let length = 1; length <= 25; length++) {
      const kept = keep(textOf(length, 1));
      for (let at = 0; at < length; at++) {
        const changed = textOf(length, 1);
        changed[at] = changed[at]! + 1;
        assert.equal(equalsText(kept, changed), false, `length ${length}, byte ${at}`);
      }
    }
  });

  test('an 8-byte word whose bits are a NaN (a comm may hold any byte but NUL) equals itself, and differs by one byte', () => {
    // Little-endian: bytes 6-7 0xf8 0x7f make the exponent all ones with a mantissa, a NaN, unequal to itself as a double.
    const nanWord = [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xf8, 0x7f];
    for (const word of [nanWord, nanWord.map((b, i) => (i === 7 ? 0xff : b))]) {
      const text = Uint8Array.from([...word, ...word, 0x0a]);
      assert.ok(Number.isNaN(new Float64Array(text.slice(0, 8).buffer)[0]));
      const kept = keep(text);
      assert.ok(equalsText(kept, text));
      for (let at = 0; at < 16; at++) {
        const changed = text.slice();
        changed[at] = changed[at]! ^ 1;
        assert.equal(equalsText(kept, changed), false, `byte ${at}`);
      }
    }
  });

  test('compareOnly(n): equal when the first n bytes are (rounded up to 8), whatever follows; never for a shorter read', () => {
    const text = textOf(40, 2);
    for (const n of [1, 8, 13, 16, 31]) {
      const kept = keep(text);
      kept.compareOnly(n);
      const compared = Math.min(Math.ceil(n / 8) * 8, 40);
      const longer = Uint8Array.from([...text.slice(0, compared), ...textOf(30, 7)]);
      assert.ok(equalsText(kept, longer), `n ${n}: a longer text, other bytes past ${compared}`);
      assert.ok(equalsText(kept, text.slice(0, compared)), `n ${n}: the compared bytes alone`);
      assert.equal(equalsText(kept, text.slice(0, compared - 1)), false, `n ${n}: one byte short`);
      for (let at = 0; at < compared; at++) {
        const changed = text.slice();
        changed[at] = changed[at]! + 1;
        assert.equal(equalsText(kept, changed), false, `n ${n}, byte ${at}`);
      }
      const copied = readBufferOf(longer);
      kept.copyFrom(copied.words, longer.length);
      assert.equal(equalsText(kept, text), false, `n ${n}: a copy compares the whole text again`);
    }
    const whole = keep(text);
    whole.compareOnly(39); // rounded up to the whole text: only the same length equals
    assert.ok(equalsText(whole, text));
    assert.equal(equalsText(whole, Uint8Array.from([...text, 0x20])), false);
  });

  test('differs when only the length differs (a prefix, or the same bytes and more)', () => {
    const kept = keep(textOf(8, 3));
    const longer = textOf(9, 3);
    assert.equal(equalsText(kept, longer, 9), false);
    assert.equal(equalsText(kept, longer, 7), false);
  });

  test('a longer text grows the buffer; a new one before any copy and after forget() equals no read', () => {
    const kept = keep(textOf(10, 5));
    const long = textOf(200, 9);
    const read = readBufferOf(long);
    kept.copyFrom(read.words, long.length);
    assert.ok(equalsText(kept, long));
    assert.deepEqual([...kept.view()], [...long]);
    kept.forget();
    assert.equal(equalsText(kept, long), false);
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
    assert.equal(kept.equalsRead(reader.readBuffer, reader.readWords, reader.readDoubles, again), again === length && Buffer.compare(reader.readBuffer.subarray(0, again), first) === 0);
  });
});
