// Names each mapping of /proc/PID/maps the way a Linux engineer would (MappingKind in types.ts).
// Source of truth: the names the kernel gives (fs/proc/task_mmu.c get_vma_name(): [heap], [stack],
// [vdso], [vvar], [vsyscall], [anon:…], [anon_shmem:…]), shmem's "/dev/zero", "/SYSV…", "/memfd:"
// (mm/shmem.c, ipc/shm.c, mm/memfd.c), and the ELF loader's layout (fs/binfmt_elf.c: text, data, bss).

import type { Mapping, MappingKind } from './types.js';

const DELETED_SUFFIX = ' (deleted)';

/** The parts of a mapping that classifyMapping reads (of it and of the mapping before it). */
export type MappingHeaderFields = Pick<Mapping, 'start' | 'end' | 'perms' | 'path'>;

/**
 * Classifies one mapping. `prev` is the mapping just below it in the same list (address order);
 * it is needed for 'bss', the anonymous rw-p mapping the ELF loader places directly after the
 * executable's last file-backed page (only when .bss outgrows that page).
 *
 * Rules, first match wins:
 * 1. no path: no access ("---p") → 'guard'; shared ('s') → 'shm'; rw-p directly after the
 *    executable's mapping → 'bss'; else 'anon'.
 * 2. pseudo-names: [heap] → 'heap'; [stack] (and old [stack:TID]) → 'stack'; [vdso] → 'vdso';
 *    [vvar], [vvar_vclock] → 'vvar'; [vsyscall] → 'vsyscall'; [anon_shmem:NAME] → 'shm';
 *    [anon:NAME] (prctl PR_SET_VMA_ANON_NAME) like an unnamed mapping ('guard'/'shm'/'anon');
 *    any other [name] (e.g. [uprobes]) → 'anon'.
 * 3. path === exePath: has 'x' → 'text', else 'data' (ELF headers, rodata, relro and .data).
 * 4. shared memory files: /dev/shm/…, /SYSV…, /memfd:…, and "/dev/zero (deleted)" (what a
 *    MAP_SHARED|MAP_ANONYMOUS mapping shows) → 'shm'.
 * 5. basename containing ".so" at its end or followed by '.' (libc.so.6, ld-linux-x86-64.so.2) → 'lib'.
 * 6. other file-backed → 'file'.
 *
 * Decision: a "---p" mapping OF A FILE (the gap ld.so leaves between a library's segments when
 * its alignment exceeds the page size) keeps its file's kind ('lib', 'file', 'data'), as pmap
 * counts it under the library; only pathless no-access mappings are 'guard'. Check perms to
 * tell such a gap apart.
 * @param exePath readlink(/proc/PID/exe) as the kernel prints it (with " (deleted)" if so); null when unreadable,
 *   in which case the executable's mappings are 'file' (or 'lib') and nothing is 'bss'.
 */
export function classifyMapping(m: MappingHeaderFields, exePath: string | null, prev?: MappingHeaderFields): MappingKind {
  const path = m.path;
  const perms = m.perms;
  if (path === '') return classifyUnnamed(m, exePath, prev);
  if (path.charCodeAt(0) === 0x5b /* [ */) {
    switch (path) {
      case '[heap]':
        return 'heap';
      case '[stack]':
        return 'stack';
      case '[vdso]':
        return 'vdso';
      case '[vvar]':
      case '[vvar_vclock]':
        return 'vvar';
      case '[vsyscall]':
        return 'vsyscall';
    }
    if (path.startsWith('[stack:')) return 'stack';
    if (path.startsWith('[anon_shmem:')) return 'shm';
    if (path.startsWith('[anon:')) return classifyUnnamed(m, exePath, prev);
    return perms.startsWith('---') ? 'guard' : 'anon';
  }
  if (exePath !== null && path === exePath) return perms.charCodeAt(2) === 0x78 /* x */ ? 'text' : 'data';
  if (path.startsWith('/dev/shm/') || path.startsWith('/SYSV') || path.startsWith('/memfd:')) return 'shm';
  if (path === '/dev/zero (deleted)' && perms.charCodeAt(3) === 0x73 /* s */) return 'shm';
  if (isSharedLibraryPath(path)) return 'lib';
  return 'file';
}

/**
 * Classifies a whole list in address order (as /proc/PID/maps prints it), setting each
 * mapping's `kind` in place; returns the same array.
 */
export function classifyMappings(mappings: Mapping[], exePath: string | null): Mapping[] {
  let prev: Mapping | undefined;
  for (const m of mappings) {
    m.kind = classifyMapping(m, exePath, prev);
    prev = m;
  }
  return mappings;
}

/**
 * True when the basename (ignoring a trailing " (deleted)") contains ".so" at its end or followed
 * by '.': "libc.so.6", "libfoo.so", "ld-linux-x86-64.so.2"; not "x.sock", not "/usr/share/so.txt".
 */
export function isSharedLibraryPath(path: string): boolean {
  const name = path.endsWith(DELETED_SUFFIX) ? path.slice(0, -DELETED_SUFFIX.length) : path;
  const base = name.slice(name.lastIndexOf('/') + 1);
  for (let i = base.indexOf('.so'); i >= 0; i = base.indexOf('.so', i + 1)) {
    const after = i + 3;
    if (after === base.length || base.charCodeAt(after) === 0x2e /* . */) return true;
  }
  return false;
}

function classifyUnnamed(m: MappingHeaderFields, exePath: string | null, prev: MappingHeaderFields | undefined): MappingKind {
  const perms = m.perms;
  if (perms.startsWith('---')) return perms.charCodeAt(3) === 0x73 /* s */ ? 'shm' : 'guard';
  if (perms.charCodeAt(3) === 0x73 /* s */) return 'shm';
  if (
    m.path === '' &&
    perms === 'rw-p' &&
    exePath !== null &&
    prev !== undefined &&
    prev.path === exePath &&
    prev.end === m.start
  ) {
    return 'bss';
  }
  return 'anon';
}
