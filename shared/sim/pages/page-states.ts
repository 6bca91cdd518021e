// Page-by-page view of one simulated VMA, in the token format the kernel harness prints from pagemap + kpageflags
// + kpagecount (tests/harness/pages-scenario.c), so a disagreement can show both side by side.

import { readPte, readPteFlags } from './page-tables.js';
import { FrameKind, PTE_DIRTY, PTE_NONE, ZERO_PAGE_FRAME, type PagesState } from './state.js';

/**
 * One token per page, space-separated: `.` no PTE, `z` the zero page, else a kind letter followed by the
 * page's mapcount: `a` anonymous, `f` page cache, `s` shmem; the letter is upper-case when smaps would count
 * the page dirty (PTE dirty bit or folio dirty).
 */
export function describeVmaPages(state: PagesState, procIdx: number, regionIdx: number): string {
  const vma = state.procs[procIdx]!.vmas[regionIdx]!;
  const { kind, mapcount, dirty } = state.frames;
  const tokens: string[] = [];
  for (let i = 0; i < vma.pageCount; i++) {
    const f = readPte(vma, i);
    if (f === PTE_NONE) tokens.push('.');
    else if (f === ZERO_PAGE_FRAME) tokens.push('z');
    else {
      const letter = kind[f] === FrameKind.Anon ? 'a' : kind[f] === FrameKind.Shmem ? 's' : 'f';
      const isDirty = (readPteFlags(vma, i) & PTE_DIRTY) !== 0 || dirty[f] !== 0;
      tokens.push(`${isDirty ? letter.toUpperCase() : letter}${mapcount[f]}`);
    }
  }
  return tokens.join(' ');
}
