// The most one brk/mmap/mremap may charge on this host (vm.overcommit_memory and /proc/meminfo), so the
// allocator models refuse what the real malloc here is refused (shared/sim/malloc/os.ts explains the rule).
import { parseMeminfo } from '../../../shared/proc/meminfo.js';
import { TASK_SIZE_BYTES, computeMapLimitBytes } from '../../../shared/sim/malloc/os.js';
import { PROC_ROOT, readProcText } from '../proc/proc-reader.js';

/** This host's limit; the address space alone when /proc cannot tell (a sandbox hiding /proc/sys). */
export function readHostMapLimitBytes(procRoot = PROC_ROOT): number {
  try {
    const mode = Number(readProcText('sys/vm/overcommit_memory', procRoot).trim());
    return computeMapLimitBytes(mode, parseMeminfo(readProcText('meminfo', procRoot)));
  } catch {
    return TASK_SIZE_BYTES;
  }
}
