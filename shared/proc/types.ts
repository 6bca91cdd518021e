// Records parsed from /proc, under the kernel's own names where they are data.
// Source of truth: Documentation/filesystems/proc.rst (Linux 6.x).

/**
 * One mapping's smaps fields, exactly as the kernel prints them: numeric fields keep
 * the kernel's unit (kB for "Rss: 4 kB", a bare count for "THPeligible: 0"), VmFlags is
 * the list of two-letter flags. Unknown future fields pass through untouched.
 */
export type SmapsFields = Record<string, number | string[]>;

/** What a mapping is, as a Linux engineer would name it. */
export type MappingKind =
  | 'text' // executable's own code (file-backed, x)
  | 'data' // executable's file-backed data (rw / r-- relro)
  | 'bss' // anonymous mapping right after the executable's data
  | 'heap' // [heap] (brk)
  | 'stack' // [stack]
  | 'lib' // shared library (.so)
  | 'file' // other file-backed mapping
  | 'anon' // anonymous private memory (mmap, malloc arenas, thread stacks)
  | 'shm' // shared memory: /dev/shm, SysV, memfd, shared anonymous
  | 'vdso' // [vdso]
  | 'vvar' // [vvar], [vvar_vclock]
  | 'vsyscall' // [vsyscall]: outside VmSize
  | 'guard'; // ---p anonymous: stack guards, allocator reservations

/** One line of /proc/PID/maps, plus its smaps fields when smaps was read. */
export interface Mapping {
  /** Lowercase hex exactly as /proc/PID/maps prints it (no 0x). */
  start: string;
  /** Lowercase hex exactly as /proc/PID/maps prints it (no 0x). */
  end: string;
  /** e.g. "r-xp". */
  perms: string;
  /** File offset, hex as printed. */
  offset: string;
  /** "major:minor" in hex as printed. */
  dev: string;
  inode: number;
  /** Path or pseudo-name ("[heap]"), "" for anonymous; " (deleted)" is kept as the kernel prints it. */
  path: string;
  kind: MappingKind;
  /** Present when read from smaps. */
  smaps?: SmapsFields;
}
