// How one memscope process shares its open-file limit (RLIMIT_NOFILE) between client connections,
// the sampler's kept /proc fds and everything else, so that no number of idle clients can leave a
// tick without an fd to list /proc with. Node raises the soft limit to the hard one at start-up.
import { parseLimits } from '../../../shared/proc/limits.js';
import { readProcText } from '../proc/proc-reader.js';

/** Fds left to node itself (~20 at start: epoll, eventfd, signal pipes, stdio) and one-off reads (readdir, meminfo, smaps, child pipes). */
export const FD_RESERVE = 64;
/** Connections a server accepts at most: a browser opens ~6 per origin and Prometheus one per scrape target. */
export const MAX_CONNECTIONS = 256;
/** Connections a server accepts even at a tiny limit (its ticks then read through one-off fds only). */
export const MIN_CONNECTIONS = 8;
/** Fds one connection may hold: its socket and a file it streams (static assets). */
const FDS_PER_CONNECTION = 2;
/** Assumed when /proc/self/limits cannot be read: the usual soft limit. */
const DEFAULT_OPEN_FILE_LIMIT = 1024;

/** The split of one process's fds. */
export interface FdBudget {
  /** The soft RLIMIT_NOFILE this plan divides. */
  openFileLimit: number;
  /** server.maxConnections for each HTTP server. */
  maxConnections: number;
  /** /proc fds the sampler may keep open between ticks; it opens, reads and closes the rest. */
  maxKeptFds: number;
}

/** This process's soft open-file limit, from /proc/self/limits. */
export function readOpenFileLimit(): number {
  try {
    return parseLimits(readProcText('self/limits')).get('Max open files')?.soft ?? DEFAULT_OPEN_FILE_LIMIT;
  } catch {
    return DEFAULT_OPEN_FILE_LIMIT;
  }
}

/** Connections get at most half of what the reserve leaves (MIN..MAX_CONNECTIONS); kept /proc fds the rest. */
export function planFdBudget(openFileLimit: number): FdBudget {
  const spareFds = Math.max(0, Math.min(openFileLimit, Number.MAX_SAFE_INTEGER) - FD_RESERVE);
  const maxConnections = Math.min(MAX_CONNECTIONS, Math.max(MIN_CONNECTIONS, Math.floor(spareFds / (2 * FDS_PER_CONNECTION))));
  return { openFileLimit, maxConnections, maxKeptFds: Math.max(0, spareFds - maxConnections * FDS_PER_CONNECTION) };
}

let processBudget: FdBudget | null = null;

/** The plan for this process's limit, read once. */
export function getFdBudget(): FdBudget {
  processBudget ??= planFdBudget(readOpenFileLimit());
  return processBudget;
}
