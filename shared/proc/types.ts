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

/** Why a row holds less than a full sample. */
export type RowStatus =
  | 'ok'
  | 'gone' // the process exited during or before this tick (ENOENT/ESRCH): a tombstone
  | 'restricted'; // some files were unreadable (EACCES): what could be read is kept

/**
 * One process in one tick, with top(1)'s meanings (see shared/proc/top-metrics.ts):
 * VIRT = VmSize, RES = VmRSS, SHR = RssFile + RssShmem, SWAP = VmSwap.
 */
export interface ProcessRow {
  pid: number;
  ppid: number;
  /** Effective user's name (top's USER). */
  user: string;
  /** Effective uid (second field of status Uid:). */
  uid: number;
  /** One-letter state from /proc/PID/stat (R, S, D, Z, T, t, X, I). */
  state: string;
  /** comm: the kernel's 15-character name. */
  comm: string;
  /** Full command line (NUL separators turned to spaces); "[comm]" for kernel threads, as ps shows. */
  command: string;
  virtKb: number;
  resKb: number;
  shrKb: number;
  swapKb: number;
  /** (utime+stime) delta over elapsed wall time since the last tick, in % of one CPU, as top (Irix mode). */
  cpuPct: number;
  /** resKb / MemTotal, in %. */
  memPct: number;
  /** utime+stime in seconds (TIME+). */
  cpuTimeS: number;
  threads: number;
  /** Cumulative minor faults (stat field 10). */
  minflt: number;
  /** Cumulative major faults (stat field 12). */
  majflt: number;
  /** Minor faults per second since the previous tick. */
  minfltPerS: number;
  /** Major faults per second since the previous tick. */
  majfltPerS: number;
  /** Process start time, in clock ticks since boot (stat field 22): with pid it names one process. */
  startTicks: number;
  rowStatus: RowStatus;
  /** smaps_rollup Pss in kB: present only for rows a client shows with a PSS/USS/SWAP-PSS column. */
  pssKb?: number;
  /** smaps_rollup Private_Clean + Private_Dirty in kB (as pssKb). */
  ussKb?: number;
  /** smaps_rollup SwapPss in kB (as pssKb). */
  swapPssKb?: number;
  /** Why smaps_rollup was asked for and not read ("permission denied", "kernel thread: no user memory"). */
  rollupError?: string;
}
