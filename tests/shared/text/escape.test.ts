// escapeControlChars, quoteUserInput, boundMessage: every character a terminal acts on becomes a visible escape,
// printable text (non-ASCII included) is kept, and quoted user input is bounded.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boundMessage, escapeControlChars, MAX_QUOTED_CHARS, quoteUserInput } from '../../../shared/text/escape.js';

/** True when text holds a character a terminal would act on. */
const hasControl = (text: string) => /[\x00-\x1f\x7f-\x9f]/.test(text);

describe('escapeControlChars', () => {
  test('every C0 control, DEL and every C1 control become visible escapes; nothing else changes', () => {
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const ch = String.fromCodePoint(c);
      const out = escapeControlChars(ch);
      const unsafe = c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
      if (unsafe) {
        assert.match(out, /^\\(n|r|t|x[0-9a-f]{2}|u[0-9a-f]{4})$/, `U+${c.toString(16)}`);
      } else {
        assert.equal(out, ch, `U+${c.toString(16)}`);
      }
    }
  });

  test('the escapes name the character: ESC, CSI sequences, LF, CR, TAB, DEL, C1 CSI', () => {
    assert.equal(escapeControlChars('a\x1b[2Jb'), 'a\\x1b[2Jb');
    assert.equal(escapeControlChars('one\ntwo\rthree\tfour'), 'one\\ntwo\\rthree\\tfour');
    assert.equal(escapeControlChars('\x7f\x9b31m\x00'), '\\x7f\\x9b31m\\x00');
    assert.equal(escapeControlChars('abc\u202edcba'), 'abc\\u202edcba');
    assert.equal(escapeControlChars('café ✓ \u{1f600} back\\slash'), 'café ✓ \u{1f600} back\\slash');
  });

  test('lone surrogates (a snapshot\'s JSON can hold "\\ud800") are escaped; pairs are kept', () => {
    assert.equal(escapeControlChars('a\ud800b'), 'a\\ud800b');
    assert.equal(escapeControlChars('a\udc00'), 'a\\udc00');
    assert.equal(escapeControlChars('\ud83d\ude00'), '\ud83d\ude00');
  });
});

describe('quoteUserInput', () => {
  test('quotes, escapes quotes and backslashes, and control characters', () => {
    assert.equal(quoteUserInput('abc'), '"abc"');
    assert.equal(quoteUserInput('say "hi"\\'), '"say \\"hi\\"\\\\"');
    assert.equal(quoteUserInput('\x1b]0;title\x07\n'), '"\\x1b]0;title\\x07\\n"');
  });

  test('10,000 characters: at most MAX_QUOTED_CHARS shown, the rest counted', () => {
    const q = quoteUserInput('x'.repeat(10_000));
    assert.equal(q, `"${'x'.repeat(MAX_QUOTED_CHARS)}…" (${10_000 - MAX_QUOTED_CHARS} more characters)`);
    const escaped = quoteUserInput('\x1b'.repeat(10_000));
    assert.ok(escaped.length <= MAX_QUOTED_CHARS + 40, escaped);
    assert.ok(!hasControl(escaped));
    assert.match(escaped, /^"(\\x1b){50}…" \(9950 more characters\)$/);
  });

  test('never splits an escape or a surrogate pair at the bound', () => {
    const q = quoteUserInput(`${'y'.repeat(MAX_QUOTED_CHARS - 1)}\u{1f600}tail`);
    assert.equal(q, `"${'y'.repeat(MAX_QUOTED_CHARS - 1)}…" (6 more characters)`);
    const e = quoteUserInput(`${'y'.repeat(MAX_QUOTED_CHARS - 2)}\x1b`);
    assert.equal(e, `"${'y'.repeat(MAX_QUOTED_CHARS - 2)}…" (1 more characters)`);
  });
});

describe('boundMessage', () => {
  test('one line, controls escaped, cut with the rest counted', () => {
    assert.equal(boundMessage('a\nb', 100), 'a\\nb');
    assert.equal(boundMessage('z'.repeat(30), 10), `${'z'.repeat(10)}… (20 more characters)`);
    assert.equal(boundMessage(`${'z'.repeat(9)}\u{1f600}`, 10), `${'z'.repeat(9)}… (2 more characters)`);
  });
});
