// Tunables and constants of the page-level simulator, spelled as in the kernel (PAGE_SIZE and PSS_SHIFT are
// the one definitions in units.ts and proc/pss.ts). Source of truth: mm/memory.c (fault_around_bytes).

import { PAGE_SIZE } from '../../units.js';

/** mm/memory.c fault_around_bytes (debugfs tunable), default 64 KiB. */
export const FAULT_AROUND_BYTES = 65536;

/** fault_around_bytes in pages: the aligned window a read fault maps around the faulting page. */
export const FAULT_AROUND_PAGES = FAULT_AROUND_BYTES / PAGE_SIZE;

/** PTEs per page table on x86-64: fault-around windows never cross a table (2 MiB boundary). */
export const PTRS_PER_PTE = 512;
