// One line per smaps field saying what it counts, for the mapping drill-down.
// Source of truth: Documentation/filesystems/proc.rst "/proc/PID/smaps" and fs/proc/task_mmu.c (Linux 6.x).

/** What a field means, in one line, and whether it is an amount in kB or a count/property. */
export interface SmapsFieldHelp {
  text: string;
  unit: 'kB' | '';
}

/** Explanations keyed by the kernel's field name, in the order the kernel prints them. */
export const SMAPS_FIELD_HELP: Readonly<Record<string, SmapsFieldHelp>> = {
  Size: { unit: 'kB', text: 'Virtual size of the mapping (end − start): address space reserved, touched or not.' },
  KernelPageSize: { unit: 'kB', text: 'Page size the kernel backs this mapping with (4 kB, or the huge page size for hugetlbfs).' },
  MMUPageSize: { unit: 'kB', text: 'Page size the MMU uses for it; differs from KernelPageSize only on a few architectures.' },
  Rss: { unit: 'kB', text: 'Resident: pages of this mapping in RAM now, shared ones counted in full for every process that maps them.' },
  Pss: { unit: 'kB', text: 'Proportional: each resident page divided by the number of processes mapping it; Pss summed over all processes is the RAM really used.' },
  Pss_Dirty: { unit: 'kB', text: 'The part of Pss that is dirty (modified, must be written back or swapped before it can be freed).' },
  Pss_Anon: { unit: 'kB', text: 'Pss of anonymous pages (smaps_rollup only).' },
  Pss_File: { unit: 'kB', text: 'Pss of file-backed pages (smaps_rollup only).' },
  Pss_Shmem: { unit: 'kB', text: 'Pss of shared-memory (tmpfs/shmem) pages (smaps_rollup only).' },
  Shared_Clean: { unit: 'kB', text: 'Resident pages also mapped by other processes and unmodified: the kernel can drop them and read them back.' },
  Shared_Dirty: { unit: 'kB', text: 'Resident pages also mapped by other processes and modified (shared memory writes, not-yet-split COW after fork).' },
  Private_Clean: { unit: 'kB', text: 'Resident pages mapped by this process only and unmodified (e.g. library code only it has loaded): cheap to reclaim.' },
  Private_Dirty: {
    unit: 'kB',
    text: "Resident pages mapped by this process only and modified: what exiting would free; reclaimable only by swapping. \"Private\" means mapped once right now, not never shareable.",
  },
  Referenced: { unit: 'kB', text: 'Pages marked accessed since the flag was last cleared (write 1 to /proc/PID/clear_refs to measure a working set).' },
  Anonymous: {
    unit: 'kB',
    text: 'Pages not backed by any file. In a file mapping these are copy-on-write copies: pages the process wrote to, no longer the file\'s.',
  },
  KSM: { unit: 'kB', text: 'Pages merged with identical pages by Kernel Samepage Merging (madvise MADV_MERGEABLE).' },
  LazyFree: { unit: 'kB', text: 'Pages freed with madvise(MADV_FREE): still counted in Rss, but the kernel may discard them under memory pressure without writing them.' },
  AnonHugePages: { unit: 'kB', text: 'Anonymous memory backed by transparent huge pages (2 MB on x86-64).' },
  ShmemPmdMapped: { unit: 'kB', text: 'Shared memory (tmpfs/shmem) mapped with huge pages (PMD-level).' },
  FilePmdMapped: { unit: 'kB', text: 'File pages mapped with huge pages (PMD-level), e.g. read-only THP for text.' },
  Shared_Hugetlb: { unit: 'kB', text: 'hugetlbfs pages shared with other processes; not counted in Rss or Pss.' },
  Private_Hugetlb: { unit: 'kB', text: 'hugetlbfs pages private to this process; not counted in Rss or Pss.' },
  Swap: { unit: 'kB', text: 'Anonymous (or private COW) pages of this mapping that are on swap now, not in RAM.' },
  SwapPss: { unit: 'kB', text: 'Proportional swap: each swapped page divided by the number of processes sharing it.' },
  Locked: { unit: 'kB', text: 'Pages locked in RAM with mlock()/mlockall() (or MAP_LOCKED): never swapped or reclaimed.' },
  THPeligible: { unit: '', text: '1 when this mapping may be backed by transparent huge pages (alignment, size and THP policy allow it), else 0.' },
  ProtectionKey: { unit: '', text: 'Memory protection key (pkey_mprotect) assigned to the mapping, on CPUs with protection keys.' },
  VmFlags: { unit: '', text: 'The VMA flags, two letters each, decoded below.' },
};

/** The help of a field, or null for a field this memscope does not know (a newer kernel's). */
export function describeSmapsField(name: string): SmapsFieldHelp | null {
  return SMAPS_FIELD_HELP[name] ?? null;
}
