// The most one brk/mmap/mremap may charge on this host (vm.overcommit_memory and /proc/meminfo), so the
// allocator models refuse what the real malloc here is refused (shared/sim/malloc/os.ts explains the rule).
import { readFileSync } from 'node:fs';
import { parseMeminfo } from '../../../shared/proc/meminfo.js';
import { TASK_SIZE_BYTES, computeMapLimitBytes } from '../../../shared/sim/malloc/os.js';

/** This host's limit; the address space alone when /proc cannot tell (a sandbox hiding /proc/sys). */
export function readHostMapLimitBytes(procRoot = '/proc'): number {
  try {
    const mode = Number(readFileSync(`${procRoot}/sys/vm/overcommit_memory`, 'latin1').trim());
    return computeMapLimitBytes(mode, parseMeminfo(readFileSync(`${procRoot}/meminfo`, 'latin1')));
  } catch {
    return TASK_SIZE_BYTES;
  }
}
