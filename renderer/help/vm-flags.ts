// Decodes smaps "VmFlags:" two-letter codes into words.
// Source of truth: Documentation/filesystems/proc.rst "/proc/PID/smaps" (VmFlags list) and
// fs/proc/task_mmu.c show_smap_vma_flags() (Linux 6.x).

/** Every VmFlags code the kernel documents, with its meaning. */
export const VM_FLAG_MEANINGS: Readonly<Record<string, string>> = {
  rd: 'readable',
  wr: 'writeable',
  ex: 'executable',
  sh: 'shared',
  mr: 'may read',
  mw: 'may write',
  me: 'may execute',
  ms: 'may share',
  gd: 'stack segment grows down',
  pf: 'pure PFN range (no struct page behind it)',
  dw: 'disabled write to the mapped file',
  lo: 'pages are locked in memory (mlock)',
  io: 'memory-mapped I/O area',
  sr: 'sequential read advice provided (MADV_SEQUENTIAL)',
  rr: 'random read advice provided (MADV_RANDOM)',
  dc: 'do not copy area on fork (MADV_DONTFORK)',
  de: 'do not expand area on remapping',
  ac: 'area is accountable (counted against the overcommit limit)',
  nr: 'swap space is not reserved for the area (MAP_NORESERVE)',
  ht: 'area uses huge TLB pages (hugetlbfs)',
  sf: 'synchronous page faults (MAP_SYNC)',
  nl: 'non-linear mapping (old remap_file_pages)',
  ar: 'architecture-specific flag',
  wf: 'wipe on fork (MADV_WIPEONFORK)',
  dd: 'do not include area in core dumps (MADV_DONTDUMP)',
  sd: 'soft-dirty flag',
  mm: 'mixed map area',
  hg: 'huge page advice (MADV_HUGEPAGE)',
  nh: 'no huge page advice (MADV_NOHUGEPAGE)',
  mg: 'mergeable advice (MADV_MERGEABLE, KSM)',
  bt: 'arm64 BTI guarded page',
  mt: 'arm64 MTE allocation tags enabled',
  um: 'userfaultfd missing-page tracking',
  uw: 'userfaultfd write-protect tracking',
  ui: 'userfaultfd minor-fault tracking',
  ss: 'shadow stack (or guarded control stack) page',
  sl: 'sealed (mseal)',
  lf: 'lock pages on fault (MLOCK_ONFAULT)',
  dp: 'always lazily freeable mapping',
  gu: 'may contain guard regions (MADV_GUARD_INSTALL)',
};

/** One decoded flag. */
export interface DecodedVmFlag {
  code: string;
  /** The meaning, or null for a code this memscope does not know. */
  meaning: string | null;
}

/** Decodes a VmFlags list in the kernel's order. */
export function decodeVmFlags(codes: readonly string[]): DecodedVmFlag[] {
  return codes.map((code) => ({ code, meaning: VM_FLAG_MEANINGS[code] ?? null }));
}
