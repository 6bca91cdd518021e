// Consistency checks of the simulated state: the invariant equations written on the types in state.ts and
// accounting.ts, verified by brute force (in the spirit of glibc's check_malloc_state). Pure; returns violations.

import { accountVma, recountDirectory, recountTable, type SmapsCountersKb } from './accounting.js';
import { readPte, readPteFlags } from './page-tables.js';
import { PTRS_PER_PTE } from './params.js';
import { FrameKind, PTE_DIRTY, PTE_NONE, PTE_WRITE, ZERO_PAGE_FRAME, type PageCounts, type PageDirectory, type PagesState, type PageTable, type VmaState } from './state.js';

/** Checks the accounting invariants of one VMA's counters; returns violations (empty when sound). */
export function checkSmapsCounters(c: SmapsCountersKb): string[] {
  const out: string[] = [];
  const sum = c.Shared_Clean + c.Shared_Dirty + c.Private_Clean + c.Private_Dirty;
  if (c.Rss !== sum) out.push(`Rss ${c.Rss} != Shared_Clean + Shared_Dirty + Private_Clean + Private_Dirty = ${sum}`);
  if (c.Anonymous > c.Rss) out.push(`Anonymous ${c.Anonymous} > Rss ${c.Rss}`);
  if (c.Pss > c.Rss) out.push(`Pss ${c.Pss} > Rss ${c.Rss}`);
  if (c.Pss < c.Private_Clean + c.Private_Dirty) out.push(`Pss ${c.Pss} < Private_Clean + Private_Dirty`);
  return out;
}

/**
 * Checks every invariant of state.ts by recounting from scratch. Returns human-readable violations
 * (empty when the state is consistent).
 */
export function checkPagesState(state: PagesState): string[] {
  const out: string[] = [];
  const { frames } = state;
  const counted = new Int32Array(frames.used);
  const dirUsers = new Map<PageDirectory, number>();
  state.procs.forEach((proc, p) => {
    proc.vmas.forEach((vma, r) => {
      const region = state.regions[r]!;
      const where = (i: number): string => `${proc.name}/${region.name}[${i}]`;
      if (vma.dir !== null) {
        if (!proc.alive) out.push(`${proc.name}/${region.name}: exited process still holds a page directory`);
        dirUsers.set(vma.dir, (dirUsers.get(vma.dir) ?? 0) + 1);
        out.push(...checkDirectory(state, vma, r, `${proc.name}/${region.name}`));
      } else if (proc.alive) out.push(`${proc.name}/${region.name}: living process without a page directory`);
      for (let i = 0; i < vma.pageCount; i++) {
        const f = readPte(vma, i);
        const flags = readPteFlags(vma, i);
        if (f === PTE_NONE) {
          if (flags !== 0) out.push(`${where(i)}: empty PTE with flags ${flags}`);
          continue;
        }
        if (!proc.alive) out.push(`${where(i)}: exited process still maps frame ${f}`);
        if (f < 0 || f >= frames.used) {
          out.push(`${where(i)}: PTE points outside the frame table (${f})`);
          continue;
        }
        counted[f]!++;
        const kind = frames.kind[f];
        if (f === ZERO_PAGE_FRAME) {
          if (region.type !== 'anon' || region.share !== 'private') out.push(`${where(i)}: zero page outside private anon`);
          if ((flags & PTE_WRITE) !== 0) out.push(`${where(i)}: writable zero-page PTE`);
        } else if (kind === FrameKind.Anon) {
          if (region.share !== 'private') out.push(`${where(i)}: anon page in a shared mapping`);
          if (!vma.anonVma) out.push(`${where(i)}: anon page in a VMA without anon_vma`);
          if ((flags & PTE_DIRTY) === 0) out.push(`${where(i)}: clean anon PTE`);
          if ((flags & PTE_WRITE) !== 0 && frames.mapcount[f] !== 1) out.push(`${where(i)}: writable PTE of a shared anon page`);
          if (frames.region[f] !== r || frames.index[f] !== i) out.push(`${where(i)}: anon page homed at another address`);
        } else if (kind === FrameKind.File || kind === FrameKind.Shmem) {
          if (region.cache[i] !== f) out.push(`${where(i)}: PTE maps frame ${f}, cache holds ${region.cache[i]}`);
          if (kind === FrameKind.Shmem && (flags & PTE_WRITE) === 0) out.push(`${where(i)}: read-only shmem PTE`);
          if (kind === FrameKind.File && region.share === 'private' && flags !== 0) out.push(`${where(i)}: writable or dirty page-cache PTE in a private mapping`);
          if (kind === FrameKind.File && region.share === 'shared' && (flags & PTE_WRITE) !== 0 && frames.dirty[f] === 0) {
            out.push(`${where(i)}: writable PTE of a clean shared file page (write-notify missed)`);
          }
        } else out.push(`${where(i)}: PTE maps a free frame ${f}`);
      }
      if (proc.alive) out.push(...checkSmapsCounters(accountVma(state, p, r)).map((m) => `${proc.name}/${region.name}: ${m}`));
    });
  });
  out.push(...checkSharing(state, dirUsers));
  for (let f = 1; f < frames.used; f++) {
    const kind = frames.kind[f];
    if (kind === FrameKind.Free) continue;
    if (frames.mapcount[f] !== counted[f]) out.push(`frame ${f}: mapcount ${frames.mapcount[f]} != PTEs mapping it ${counted[f]}`);
    if (kind === FrameKind.Anon && frames.mapcount[f]! < 1) out.push(`frame ${f}: unmapped anon page not freed`);
    if (kind === FrameKind.File || kind === FrameKind.Shmem) {
      const home = state.regions[frames.region[f]!];
      if (home === undefined || home.cache[frames.index[f]!] !== f) out.push(`frame ${f}: cache page not in its region's cache`);
    }
  }
  state.regions.forEach((region) => {
    const isPrivateAnon = region.type === 'anon' && region.share === 'private';
    if (region.cache.length !== (isPrivateAnon ? 0 : region.pageCount)) out.push(`${region.name}: cache length ${region.cache.length}`);
    const expectedKind = region.type === 'file' ? FrameKind.File : FrameKind.Shmem;
    for (let i = 0; i < region.cache.length; i++) {
      const f = region.cache[i]!;
      if (f === PTE_NONE) {
        if (region.type === 'file') out.push(`${region.name}[${i}]: file page not cached`);
      } else if (frames.kind[f] !== expectedKind || state.regions[frames.region[f]!] !== region || frames.index[f] !== i) {
        out.push(`${region.name}[${i}]: cache entry ${f} is not this region's page`);
      }
    }
  });
  return out;
}

function describeCountsMismatch(cached: PageCounts, recounted: PageCounts): string | null {
  const keys = Object.keys(recounted) as (keyof PageCounts)[];
  const wrong = keys.filter((k) => cached[k] !== recounted[k]);
  return wrong.length === 0 ? null : wrong.map((k) => `${k} ${cached[k]} != ${recounted[k]}`).join(', ');
}

/** users of every directory and table equal their holders; tableCount equals the tables held. */
function checkSharing(state: PagesState, dirUsers: Map<PageDirectory, number>): string[] {
  const out: string[] = [];
  const tableUsers = new Map<PageTable, number>();
  for (const [dir, users] of dirUsers) {
    if (dir.users !== users) out.push(`page directory with users ${dir.users} is held by ${users} VMAs`);
    for (const table of dir.tables) if (table !== null) tableUsers.set(table, (tableUsers.get(table) ?? 0) + 1);
  }
  for (const [table, users] of tableUsers) {
    if (table.users !== users) out.push(`page table with users ${table.users} is held by ${users} directories`);
  }
  if (state.tableCount !== tableUsers.size) out.push(`tableCount ${state.tableCount} != page tables held ${tableUsers.size}`);
  return out;
}

/**
 * A living VMA's directory (length, entries past the last page empty) and its cached tallies: a cache that
 * claims to be current (its stamp equals the region's) must equal a recount. Runs before accountVma refreshes them.
 */
function checkDirectory(state: PagesState, vma: VmaState, regionIdx: number, where: string): string[] {
  const out: string[] = [];
  const region = state.regions[regionIdx]!;
  const dir = vma.dir!;
  if (vma.regionIdx !== regionIdx || vma.pageCount !== region.pageCount) out.push(`${where}: VMA of region ${vma.regionIdx}, ${vma.pageCount} pages`);
  if (dir.tables.length !== Math.ceil(vma.pageCount / PTRS_PER_PTE)) out.push(`${where}: ${dir.tables.length} page tables for ${vma.pageCount} pages`);
  dir.tables.forEach((table, t) => {
    if (table === null) return;
    for (let j = 0; j < PTRS_PER_PTE; j++) {
      const isPast = t * PTRS_PER_PTE + j >= vma.pageCount;
      if (isPast && (table.pte[j] !== PTE_NONE || table.flags[j] !== 0)) out.push(`${where}: PTE past the end (page ${t * PTRS_PER_PTE + j})`);
    }
    if (table.countedStamp === region.tableStamps[t]) {
      const mismatch = describeCountsMismatch(table.counts, recountTable(state, table));
      if (mismatch !== null) out.push(`${where}: stale cached counts of page table ${t}: ${mismatch}`);
    }
  });
  if (dir.countedStamp === region.stamp) {
    const mismatch = describeCountsMismatch(dir.counts, recountDirectory(state, dir));
    if (mismatch !== null) out.push(`${where}: stale cached counts: ${mismatch}`);
  }
  return out;
}
