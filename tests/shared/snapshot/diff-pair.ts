// A hand-made before/after pair for the diff tests, with every expected delta worked out by hand
// in the comments (kB: Size, Rss, Pss, Swap, Private_Dirty).

import type { Snapshot } from '../../../shared/snapshot/schema.js';
import { makeMapping, makeSnapshot } from './build-snapshot.js';

const DEMO = '/usr/bin/demo';
const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const LIBM = '/usr/lib/x86_64-linux-gnu/libm.so.6';
const LOCALE = '/usr/lib/locale/locale-archive';
const SHM = '/dev/shm/buf';

/** The first snapshot. */
export function makeBefore(): Snapshot {
  const s = makeSnapshot({
    metrics: { virtKb: 10240, resKb: 2048, swapKb: 0 },
    mappings: [
      makeMapping(0x55d0c0a00000n, 8, { perms: 'r-xp', path: DEMO, kind: 'text' }, { Rss: 8, Pss: 8 }),
      makeMapping(0x55d0c0a02000n, 4, { perms: 'rw-p', offset: '00002000', path: DEMO, kind: 'data' }, { Rss: 4, Pss: 4, Private_Dirty: 4 }),
      makeMapping(0x55d0c1000000n, 132, { path: '[heap]', kind: 'heap' }, { Rss: 64, Pss: 64, Private_Dirty: 64 }),
      makeMapping(0x7f3dd7000000n, 64, { perms: 'rw-s', path: SHM, kind: 'shm' }, { Rss: 64, Pss: 32 }),
      makeMapping(0x7f3dd7100000n, 64, { perms: 'rw-s', path: SHM, kind: 'shm' }, { Rss: 0, Pss: 0 }),
      makeMapping(0x7f3dd8000000n, 2048, { perms: 'r--p', path: LOCALE, kind: 'file' }, { Rss: 50, Pss: 50 }),
      makeMapping(0x7f3dd9800000n, 16, { perms: '---p' }, {}),
      makeMapping(0x7f3dd9a00000n, 64, {}, { Rss: 32, Pss: 32, Private_Dirty: 32 }),
      makeMapping(0x7f3dd9b00000n, 256, {}, { Rss: 16, Pss: 16, Private_Dirty: 16, Swap: 8 }),
      makeMapping(0x7f3dd9c00000n, 1580, { perms: 'r-xp', offset: '00028000', path: LIBC, kind: 'lib' }, { Rss: 900, Pss: 90 }),
      makeMapping(0x7f3dd9e00000n, 400, { perms: 'r-xp', offset: '00010000', path: LIBM, kind: 'lib' }, { Rss: 100, Pss: 10 }),
      makeMapping(0x7ffd5e000000n, 132, { path: '[stack]', kind: 'stack' }, { Rss: 12, Pss: 12, Private_Dirty: 12 }),
    ],
  });
  s.rollup = { Rss: 1250, Pss: 194 };
  return s;
}

/** The second snapshot: same process, five minutes later. */
export function makeAfter(): Snapshot {
  const s = makeSnapshot({
    createdAt: '2025-01-31T12:05:00.000Z',
    metrics: { virtKb: 10500, resKb: 2100, swapKb: 8 },
    mappings: [
      // unchanged
      makeMapping(0x55d0c0a00000n, 8, { perms: 'r-xp', path: DEMO, kind: 'text' }, { Rss: 8, Pss: 8 }),
      // shrunk: (0, 0, -2, 0, -4), a child now shares the page
      makeMapping(0x55d0c0a02000n, 4, { perms: 'rw-p', offset: '00002000', path: DEMO, kind: 'data' }, { Rss: 4, Pss: 2, Private_Dirty: 0 }),
      // grown: end moved, (+132, +136, +136, 0, +136)
      makeMapping(0x55d0c1000000n, 264, { path: '[heap]', kind: 'heap' }, { Rss: 200, Pss: 200, Private_Dirty: 200 }),
      // same file, offset, perms twice: paired in address order → unchanged, then grown (0, +32, +16, 0, 0)
      makeMapping(0x7f3dd7200000n, 64, { perms: 'rw-s', path: SHM, kind: 'shm' }, { Rss: 64, Pss: 32 }),
      makeMapping(0x7f3dd7300000n, 64, { perms: 'rw-s', path: SHM, kind: 'shm' }, { Rss: 32, Pss: 16 }),
      // other perms, same file and address: new (+2048, +50, +25, 0, 0); the r--p one is gone (-2048, -50, -50, 0, 0)
      makeMapping(0x7f3dd8000000n, 2048, { perms: 'r--s', path: LOCALE, kind: 'file' }, { Rss: 50, Pss: 25 }),
      // new anonymous: (+128, +128, +128, 0, +128)
      makeMapping(0x7f3dd9400000n, 128, {}, { Rss: 128, Pss: 128, Private_Dirty: 128 }),
      // same start, perms changed by mprotect: grown (0, +16, +16, 0, +16)
      makeMapping(0x7f3dd9800000n, 16, { perms: 'rw-p' }, { Rss: 16, Pss: 16, Private_Dirty: 16 }),
      // 0x7f3dd9a00000 is gone: (-64, -32, -32, 0, -32)
      // swapped out half: shrunk (0, -8, -8, +8, -8)
      makeMapping(0x7f3dd9b00000n, 256, {}, { Rss: 8, Pss: 8, Private_Dirty: 8, Swap: 16 }),
      // same path/offset/perms at another address: grown (0, +10, +1, 0, 0)
      makeMapping(0x7f3dd9d00000n, 1580, { perms: 'r-xp', offset: '00028000', path: LIBC, kind: 'lib' }, { Rss: 910, Pss: 91 }),
      // libm is gone: (-400, -100, -10, 0, 0)
      // [stack] moved but is matched by name: unchanged
      makeMapping(0x7ffd5e100000n, 132, { path: '[stack]', kind: 'stack' }, { Rss: 12, Pss: 12, Private_Dirty: 12 }),
    ],
  });
  s.rollup = { Rss: 1300, Pss: 200 };
  return s;
}
