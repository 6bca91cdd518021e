// The KPF_* table against the kernel's own header (linux-libc-dev's include/linux/kernel-page-flags.h, the uapi
// file): every stable bit is named and numbered as the kernel defines it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as kpageflags from '../../../shared/proc/kpageflags.js';
import { decodeKpageflags, hasKpageflag, KPF_NAMES, KPF_STABLE_MASK } from '../../../shared/proc/kpageflags.js';

const HEADER = '/usr/include/linux/kernel-page-flags.h';
const SKIP = existsSync(HEADER) ? false : `${HEADER} missing (Debian package linux-libc-dev)`;

/** `#define KPF_NAME N` lines of the installed uapi header. */
function readHeaderBits(): Map<string, number> {
  const bits = new Map<string, number>();
  for (const m of readFileSync(HEADER, 'utf8').matchAll(/^#define\s+KPF_(\w+)\s+(\d+)\b/gm)) bits.set(m[1]!, Number(m[2]));
  return bits;
}

test('KPF_NAMES and the KPF_* constants are the uapi header, bit for bit', { skip: SKIP }, () => {
  const header = readHeaderBits();
  assert.ok(header.size >= 27, `the header defines ${header.size} bits`);
  const ours = new Map(KPF_NAMES.map((name, bit) => [name, bit]));
  assert.deepEqual(ours, header);
  const constants = kpageflags as unknown as Record<string, unknown>;
  for (const [name, bit] of header) assert.equal(constants[`KPF_${name}`], bit, `KPF_${name}`);
});

test('decodeKpageflags names each set stable bit in bit order and ignores the unstable high word', { skip: SKIP }, () => {
  const header = readHeaderBits();
  for (const [name, bit] of header) {
    assert.deepEqual(decodeKpageflags(2 ** bit), [name]);
    assert.equal(hasKpageflag(2 ** bit, bit), true);
  }
  // A zero-page word as the kernel printed it here: ZERO_PAGE (24) plus RESERVED (32, not stable).
  assert.deepEqual(decodeKpageflags(0x101000000 % 2 ** 32), ['ZERO_PAGE']);
  assert.deepEqual(decodeKpageflags(KPF_STABLE_MASK), [...header.keys()].sort((a, b) => header.get(a)! - header.get(b)!));
});
