// shared/proc/bytes.ts: our UTF-8/latin1 decoders and UTF-8 encoder against Node's own (TextDecoder, TextEncoder, Buffer) as the reference.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLatin1, decodeUtf8, encodeAscii, encodeUtf8, parseDecimalRange } from '../../../shared/proc/bytes.js';

/** Deterministic bytes (xorshift32), so a failure can be replayed. */
function makeRandomBytes(seed: number, length: number, pick: (r: number) => number): Uint8Array {
  let x = seed;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = pick(x >>> 0);
  }
  return out;
}

describe('decodeUtf8 agrees with the WHATWG decoder (Node TextDecoder)', () => {
  const reference = new TextDecoder('utf-8');
  const named: [string, number[]][] = [
    ['ascii', [...Buffer.from('/usr/lib/x86_64-linux-gnu/libc.so.6')]],
    ['path from the odd-paths subject', [...Buffer.from('/tmp/x y/café ✓.bin')]],
    ['4-byte emoji', [...Buffer.from('🙂 (deleted)')]],
    ['lone continuation', [0x41, 0x80, 0x42]],
    ['truncated 3-byte sequence at end', [0x41, 0xe2, 0x9c]],
    ['overlong', [0xc0, 0xaf, 0xe0, 0x80, 0xaf]],
    ['surrogate', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['0xff', [0xff, 0xfe, 0x41]],
  ];
  for (const [name, bytes] of named) {
    test(name, () => {
      const u8 = Uint8Array.from(bytes);
      assert.equal(decodeUtf8(u8, 0, u8.length), reference.decode(u8));
    });
  }
  test('random bytes biased to the UTF-8 lead/continuation ranges, 200 × 64 bytes', () => {
    const interesting = [0x41, 0x80, 0x9f, 0xa0, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x20];
    for (let seed = 1; seed <= 200; seed++) {
      const u8 = makeRandomBytes(seed, 64, (r) => (r % 4 === 0 ? r % 256 : interesting[r % interesting.length]!));
      assert.equal(decodeUtf8(u8, 0, u8.length), reference.decode(u8), `seed ${seed}`);
    }
  });
  test('a range inside a larger buffer decodes only that range', () => {
    const u8 = Buffer.from('xx/tmp/é yy');
    assert.equal(decodeUtf8(u8, 2, u8.length - 3), '/tmp/é');
  });
});

describe('decodeLatin1', () => {
  test('every length from 0 to 40 (short fast path and apply path) matches Buffer latin1', () => {
    const u8 = makeRandomBytes(7, 100, (r) => r % 256);
    for (let len = 0; len <= 40; len++) {
      assert.equal(decodeLatin1(u8, 3, 3 + len), Buffer.from(u8.subarray(3, 3 + len)).toString('latin1'), `length ${len}`);
    }
  });
  test('a range longer than one fromCharCode chunk', () => {
    const u8 = makeRandomBytes(9, 20000, (r) => 0x20 + (r % 95));
    assert.equal(decodeLatin1(u8, 1, 19999), Buffer.from(u8.subarray(1, 19999)).toString('latin1'));
  });
});

describe('parseDecimalRange / encodeAscii', () => {
  test('decimal ranges', () => {
    const u8 = Buffer.from(' 12345 -17 x9 ');
    assert.equal(parseDecimalRange(u8, 1, 6), 12345);
    assert.equal(parseDecimalRange(u8, 7, 10), -17);
    assert.ok(Number.isNaN(parseDecimalRange(u8, 11, 13)));
    assert.ok(Number.isNaN(parseDecimalRange(u8, 1, 1)));
    assert.equal(parseDecimalRange(Buffer.from('9007199254740991'), 0, 16), Number.MAX_SAFE_INTEGER);
  });
  test('encodeAscii refuses non-ASCII', () => {
    assert.deepEqual([...encodeAscii('Rss')], [0x52, 0x73, 0x73]);
    assert.throws(() => encodeAscii('é'), RangeError);
  });
});

describe('encodeUtf8 agrees with Node TextEncoder', () => {
  const reference = new TextEncoder();
  test('every kind of UTF-16 unit: ASCII, 2- and 3-byte, pairs, lone and reversed surrogates', () => {
    for (const text of ['', 'Rss', 'café ✓', '𝄞 🙂', '\u2028', '\ud800', 'a\udfffb', '\udc00\ud800', '\ud83d', 'x\ud83d\ude00y', '\uffff\u0800\u07ff\u0080\u007f']) {
      assert.deepEqual(encodeUtf8(text), reference.encode(text), JSON.stringify(text));
    }
  });
  test('random strings of UTF-16 units biased to the boundaries, 500 × 16 units', () => {
    const picks = [0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffd, 0xffff];
    const units = makeRandomBytes(11, 500 * 16, (r) => r % picks.length);
    for (let round = 0; round < 500; round++) {
      const text = String.fromCharCode(...[...units.subarray(round * 16, round * 16 + 16)].map((i) => picks[i]!));
      assert.deepEqual(encodeUtf8(text), reference.encode(text), JSON.stringify(text));
    }
  });
});
