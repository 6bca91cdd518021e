// Tunables and constants of the page-level simulator, spelled as in the kernel.
// Source of truth: include/linux/mm.h (PAGE_SIZE), fs/proc/task_mmu.c (PSS_SHIFT), mm/memory.c (fault_around_bytes).

/** Base page size on x86-64 (arch/x86/include/asm/page_types.h). */
export const PAGE_SIZE = 4096;

/** Page size in kB, the unit smaps prints. */
export const PAGE_SIZE_KB = PAGE_SIZE / 1024;

/** smaps accumulates Pss in fixed point with this many fraction bits (fs/proc/task_mmu.c). */
export const PSS_SHIFT = 12;

/** mm/memory.c fault_around_bytes (debugfs tunable), default 64 KiB. */
export const FAULT_AROUND_BYTES = 65536;

/** fault_around_bytes in pages: the aligned window a read fault maps around the faulting page. */
export const FAULT_AROUND_PAGES = FAULT_AROUND_BYTES / PAGE_SIZE;

/** PTEs per page table on x86-64: fault-around windows never cross a table (2 MiB boundary). */
export const PTRS_PER_PTE = 512;
