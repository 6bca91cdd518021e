// Host-wide context from systeminformation (memory, swap, OS) plus the kernel's load
// averages. systeminformation is too slow for per-process work (it forks per process),
// so it is used only here, and osInfo() (~85 ms) is fetched once.
import { createRequire } from 'node:module';
import { hostname, loadavg, uptime } from 'node:os';
import type si from 'systeminformation';
import type { SystemSummary } from '../../../shared/api.js';

let osInfoOnce: Promise<si.Systeminformation.OsData> | null = null;
/**
 * Loaded on first use (~60 ms) with require, not import(): a failed import() (EMFILE while resolving it, when the
 * fds run out) is cached by node's ESM loader for the life of the process, a failed require is tried again.
 */
const requireLazily = createRequire(import.meta.url);

/** Memory, swap, load and OS of this host, in kB. */
export async function readSystemSummary(): Promise<SystemSummary> {
  const lib = requireLazily('systeminformation') as typeof si;
  osInfoOnce ??= lib.osInfo();
  const [mem, os] = await Promise.all([lib.mem(), osInfoOnce]);
  const [load1, load5, load15] = loadavg();
  const kb = (bytes: number) => Math.round(bytes / 1024);
  return {
    hostname: hostname(),
    os: `${os.distro} ${os.release}`.trim(),
    kernel: os.kernel,
    arch: os.arch,
    uptimeS: uptime(),
    memTotalKb: kb(mem.total),
    memFreeKb: kb(mem.free),
    memUsedKb: kb(mem.total - mem.available),
    memAvailableKb: kb(mem.available),
    buffersKb: kb(mem.buffers),
    cachedKb: kb(mem.cached),
    swapTotalKb: kb(mem.swaptotal),
    swapUsedKb: kb(mem.swapused),
    load1: load1 ?? 0,
    load5: load5 ?? 0,
    load15: load15 ?? 0,
  };
}
