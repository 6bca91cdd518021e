// Pss as smaps sums it: each page adds (PAGE_SIZE << PSS_SHIFT) / mapcount, in fixed point with PSS_SHIFT
// fraction bits, and show_smap() prints the sum as (pss >> PSS_SHIFT) >> 10 kB. One rule for the page reader
// (page-row.ts) and the page simulator (sim/pages/accounting.ts). Source: fs/proc/task_mmu.c (Linux 6.x).

import { PAGE_SIZE } from '../units.js';

/** fs/proc/task_mmu.c PSS_SHIFT: Pss is summed in units of 1/4096 byte so sharing divides exactly enough. */
export const PSS_SHIFT = 12;

/** A whole page's Pss in PSS_SHIFT fixed point. */
const PAGE_PSS_SHIFTED = PAGE_SIZE * 2 ** PSS_SHIFT;

/** One page's share of Pss in PSS_SHIFT fixed point: (PAGE_SIZE << PSS_SHIFT) / mapcount, integer division (smaps_account()). */
export function computePagePssShifted(mapcount: number): number {
  return mapcount >= 2 ? Math.floor(PAGE_PSS_SHIFTED / mapcount) : PAGE_PSS_SHIFTED;
}

/** A fixed-point Pss sum in smaps' kB: (sum >> PSS_SHIFT) >> 10, both shifts flooring (show_smap()). */
export function convertPssShiftedToKb(pssShifted: number): number {
  return Math.floor(Math.floor(pssShifted / 2 ** PSS_SHIFT) / 1024);
}
