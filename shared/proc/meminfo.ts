// /proc/meminfo: "Key:   N kB" lines (fs/proc/meminfo.c). top's %MEM divides by MemTotal.

/** Every numeric /proc/meminfo field in its own unit (kB for most, pages for HugePages_*). */
export type Meminfo = Record<string, number>;

/** Parses /proc/meminfo text; unknown future fields pass through. */
export function parseMeminfo(text: string): Meminfo {
  const out: Meminfo = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const value = Number.parseInt(line.slice(colon + 1).trim(), 10);
    if (Number.isFinite(value)) out[line.slice(0, colon)] = value;
  }
  return out;
}
