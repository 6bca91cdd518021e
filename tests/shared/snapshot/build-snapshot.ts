// Builders of valid snapshots for the snapshot tests: small, realistic, every field filled.

import type { Mapping, MappingKind, ProcessRow, SmapsFields } from '../../../shared/proc/types.js';
import type { Snapshot } from '../../../shared/snapshot/schema.js';

/** smaps fields of a mapping, in kernel order, with the amounts given (kB) and the rest zero. */
export function makeSmaps(sizeKb: number, amounts: { Rss?: number; Pss?: number; Swap?: number; Private_Dirty?: number } = {}): SmapsFields {
  return {
    Size: sizeKb,
    KernelPageSize: 4,
    MMUPageSize: 4,
    Rss: amounts.Rss ?? 0,
    Pss: amounts.Pss ?? 0,
    Pss_Dirty: 0,
    Shared_Clean: 0,
    Shared_Dirty: 0,
    Private_Clean: 0,
    Private_Dirty: amounts.Private_Dirty ?? 0,
    Referenced: 0,
    Anonymous: 0,
    Swap: amounts.Swap ?? 0,
    SwapPss: 0,
    Locked: 0,
    THPeligible: 0,
    VmFlags: ['rd', 'mr', 'mw', 'me'],
  };
}

/** A mapping [start, start + sizeKb) with smaps filled from `amounts`. */
export function makeMapping(
  start: bigint,
  sizeKb: number,
  fields: { perms?: string; offset?: string; path?: string; kind?: MappingKind; inode?: number },
  amounts: { Rss?: number; Pss?: number; Swap?: number; Private_Dirty?: number } = {},
): Mapping {
  const path = fields.path ?? '';
  return {
    start: start.toString(16),
    end: (start + BigInt(sizeKb) * 1024n).toString(16),
    perms: fields.perms ?? 'rw-p',
    offset: fields.offset ?? '00000000',
    dev: path.startsWith('/') ? 'fd:01' : '00:00',
    inode: fields.inode ?? (path.startsWith('/') ? 1234567 : 0),
    path,
    kind: fields.kind ?? (path === '' ? 'anon' : 'file'),
    smaps: makeSmaps(sizeKb, amounts),
  };
}

/** A complete ProcessRow for pid. */
export function makeProcessRow(pid: number, over: Partial<ProcessRow> = {}): ProcessRow {
  return {
    pid,
    ppid: 1,
    user: 'alice',
    uid: 1000,
    state: 'S',
    comm: 'demo',
    command: '/usr/bin/demo --serve',
    virtKb: 10240,
    resKb: 2048,
    shrKb: 1024,
    swapKb: 0,
    cpuPct: 0.5,
    memPct: 0.1,
    cpuTimeS: 1.25,
    threads: 1,
    minflt: 321,
    majflt: 2,
    minfltPerS: 0,
    majfltPerS: 0,
    startTicks: 123456,
    rowStatus: 'ok',
    ...over,
  };
}

/** A valid snapshot of a small process; `mappings` default to a text/data/heap/anon/lib/stack layout. */
export function makeSnapshot(over: { mappings?: Mapping[]; metrics?: Partial<ProcessRow>; createdAt?: string } = {}): Snapshot {
  const mappings = over.mappings ?? [
    makeMapping(0x55d0c0a00000n, 8, { perms: 'r-xp', path: '/usr/bin/demo', kind: 'text' }, { Rss: 8, Pss: 8 }),
    makeMapping(0x55d0c0a02000n, 4, { perms: 'rw-p', offset: '00002000', path: '/usr/bin/demo', kind: 'data' }, { Rss: 4, Pss: 4, Private_Dirty: 4 }),
    makeMapping(0x55d0c1000000n, 132, { path: '[heap]', kind: 'heap' }, { Rss: 64, Pss: 64, Private_Dirty: 64 }),
    makeMapping(0x7f3dd9b00000n, 256, { kind: 'anon' }, { Rss: 16, Pss: 16, Private_Dirty: 16, Swap: 8 }),
    makeMapping(0x7f3dd9c00000n, 1580, { perms: 'r-xp', offset: '00028000', path: '/usr/lib/x86_64-linux-gnu/libc.so.6', kind: 'lib' }, { Rss: 900, Pss: 90 }),
    makeMapping(0x7ffd5e000000n, 132, { path: '[stack]', kind: 'stack' }, { Rss: 12, Pss: 12, Private_Dirty: 12 }),
  ];
  return {
    format: 'memscope-snapshot',
    version: 1,
    createdAt: over.createdAt ?? '2025-01-31T12:00:00.000Z',
    host: {
      hostname: 'box',
      kernel: '6.8.0-51-generic',
      os: 'Ubuntu 24.04.1 LTS',
      arch: 'x64',
      memTotalKb: 16303428,
      pageSizeBytes: 4096,
      clockTicksPerS: 100,
      memscopeVersion: '0.1.0',
    },
    process: {
      pid: 4242,
      exe: '/usr/bin/demo',
      cmdline: ['/usr/bin/demo', '--serve'],
      status: { Name: 'demo', State: 'S (sleeping)', VmRSS: '2048 kB' },
      metrics: makeProcessRow(4242, over.metrics),
    },
    mappings,
    rollup: { Rss: 1004, Pss: 194, Swap: 8 },
    totals: { Size: 2112, Rss: 1004, Pss: 194, Swap: 8 },
    history: {
      intervalMs: 1000,
      samples: [
        { tMs: 1738324798000, virtKb: 10240, resKb: 2040, shrKb: 1024, swapKb: 0 },
        { tMs: 1738324799000, virtKb: 10240, resKb: 2048, shrKb: 1024, swapKb: 0 },
      ],
    },
    restricted: [],
  };
}
