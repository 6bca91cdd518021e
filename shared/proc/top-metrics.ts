// top(1)'s memory and CPU columns, defined exactly as procps-ng top computes them.
// Source: procps-ng library/pids.c (MEM_VIRT/MEM_RES/MEM_SHR from statm, MEM_SWAP from
// status VmSwap) and the kernel's statm (size = total_vm = VmSize, resident = VmRSS,
// shared = RssFile + RssShmem; fs/proc/task_mmu.c task_statm).

/** USER_HZ: the unit of utime/stime in /proc/PID/stat (100 on every mainstream Linux arch). */
export const USER_HZ = 100;

/** VIRT: the whole address space, VmSize (kB). Same as statm size * page size. */
export function computeVirtKb(vmSizeKb: number): number {
  return vmSizeKb;
}

/** RES: resident pages, VmRSS = RssAnon + RssFile + RssShmem (kB). */
export function computeResKb(rssAnonKb: number, rssFileKb: number, rssShmemKb: number): number {
  return rssAnonKb + rssFileKb + rssShmemKb;
}

/** SHR: resident pages that could be shared, RssFile + RssShmem (kB); top's SHR. */
export function computeShrKb(rssFileKb: number, rssShmemKb: number): number {
  return rssFileKb + rssShmemKb;
}

/**
 * %CPU as top computes it in Irix mode (the default): CPU ticks used since the last
 * refresh over elapsed wall time, in % of one CPU, so a busy 2-thread process shows 200.
 */
export function computeCpuPct(deltaTicks: number, elapsedS: number): number {
  if (elapsedS <= 0 || deltaTicks <= 0) return 0;
  return (deltaTicks / USER_HZ / elapsedS) * 100;
}

/** %MEM: RES over MemTotal, in %. */
export function computeMemPct(resKb: number, memTotalKb: number): number {
  return memTotalKb > 0 ? (resKb / memTotalKb) * 100 : 0;
}

/** TIME+: utime + stime in seconds. */
export function computeCpuTimeS(utimeTicks: number, stimeTicks: number): number {
  return (utimeTicks + stimeTicks) / USER_HZ;
}

/** Formats seconds as top's TIME+ column: "M:SS.hh". */
export function formatTimePlus(cpuTimeS: number): string {
  const hundredths = Math.floor(cpuTimeS * 100 + 1e-6);
  const minutes = Math.floor(hundredths / 6000);
  const seconds = Math.floor((hundredths % 6000) / 100);
  const rest = hundredths % 100;
  return `${minutes}:${String(seconds).padStart(2, '0')}.${String(rest).padStart(2, '0')}`;
}
