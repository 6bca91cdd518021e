// /proc/PID/limits: one line per resource, "Max open files  1024  524288  files" (fs/proc/base.c
// proc_pid_limits: name padded to 25 columns, soft, hard, units). Node has no getrlimit; this is it.

/** A resource limit; Infinity for "unlimited". */
export interface ResourceLimit {
  soft: number;
  hard: number;
}

/** The limits by name as the kernel writes them ("Max open files"); lines it cannot read are left out. */
export function parseLimits(text: string): Map<string, ResourceLimit> {
  const limits = new Map<string, ResourceLimit>();
  const toNumber = (field: string) => (field === 'unlimited' ? Infinity : Number(field));
  for (const line of text.split('\n')) {
    // The name has spaces and the units column is absent for some lines ("Max nice priority  0  0").
    const m = /^(Max [a-z ]+?)\s{2,}(\d+|unlimited)\s+(\d+|unlimited)(\s|$)/.exec(line);
    if (m === null) continue;
    limits.set(m[1] ?? '', { soft: toNumber(m[2] ?? ''), hard: toNumber(m[3] ?? '') });
  }
  return limits;
}
