// Consistency checks of the simulated state: the invariant equations written on the types in state.ts and
// accounting.ts, verified by brute force (in the spirit of glibc's check_malloc_state). Pure; returns violations.

import { accountVma, type SmapsCountersKb } from './accounting.js';
import { FrameKind, PTE_DIRTY, PTE_NONE, PTE_WRITE, ZERO_PAGE_FRAME, type PagesState } from './state.js';

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
  state.procs.forEach((proc, p) => {
    proc.vmas.forEach((vma, r) => {
      const region = state.regions[r]!;
      const where = (i: number): string => `${proc.name}/${region.name}[${i}]`;
      for (let i = 0; i < vma.pte.length; i++) {
        const f = vma.pte[i]!;
        const flags = vma.ptFlags[i]!;
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
