// TCMalloc's run-time settings, spelled as the environment variables that set them, and the pre-main
// allocation the model replays. Source of truth: gperftools 2.10 src/common.cc, page_heap.cc,
// thread_cache.cc, static_vars.cc (TCMALLOC_* getenv calls), base/commandlineflags.h (StringToBool).

import { kDefaultTransferNumObjecs } from './common.js';

/**
 * Settings of one simulated TCMalloc.
 *
 * Invariants: transferNumObjects ≥ 1; releaseRate ≥ 0; libstdcxxPoolBytes ≥ 0;
 * overallThreadCacheBytes is null or in [kMinThreadCacheSize, 2^30] once applied.
 */
export interface TcmallocParams {
  /** TCMALLOC_TRANSFER_NUM_OBJ: cap on the batch moved between thread and central caches. */
  transferNumObjects: number;
  /** TCMALLOC_RELEASE_RATE: how eagerly freed pages are released to the OS (0 = never). */
  releaseRate: number;
  /** TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES, or null when unset (32 MiB). */
  overallThreadCacheBytes: number | null;
  /** TCMALLOC_AGGRESSIVE_DECOMMIT: release every freed span to the OS at once. */
  aggressiveDecommit: boolean;
  /**
   * malloc issued before main by libstdc++'s emergency exception pool (eh_alloc.cc), which the
   * real process always does because libtcmalloc_minimal links libstdc++: 72704 bytes with
   * Debian 12's GCC 12 (measured with an LD_PRELOAD shim). 0 = no such allocation.
   */
  libstdcxxPoolBytes: number;
}

/** The environment variable names the parser accepts, with the field each one sets. */
export const TCMALLOC_ENV_NAMES = {
  TCMALLOC_TRANSFER_NUM_OBJ: 'transferNumObjects',
  TCMALLOC_RELEASE_RATE: 'releaseRate',
  TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES: 'overallThreadCacheBytes',
  TCMALLOC_AGGRESSIVE_DECOMMIT: 'aggressiveDecommit',
} as const;

/** A process with no TCMALLOC_* variables set, as Debian 12 runs it. */
export function createDefaultTcmallocParams(): TcmallocParams {
  return {
    transferNumObjects: kDefaultTransferNumObjecs,
    releaseRate: 1.0,
    overallThreadCacheBytes: null,
    aggressiveDecommit: false,
    libstdcxxPoolBytes: 72704,
  };
}

/** An environment-variable setting the parser rejected. */
export class TcmallocEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TcmallocEnvError';
  }
}

/**
 * Parses `NAME=value` settings separated by ':', ',' or blanks (e.g.
 * "TCMALLOC_RELEASE_RATE=0:TCMALLOC_TRANSFER_NUM_OBJ=64") onto the defaults, reading values as the
 * library does: strtol for the object count, strtod for the rate, strtoll for the byte count and
 * "", "1", "t", "y"… as true for booleans (tcmalloc::commandlineflags::StringToBool).
 * @returns the parameters and the environment to run the real library with.
 * @throws TcmallocEnvError naming the setting that is not understood.
 */
export function parseTcmallocEnv(text: string): { params: TcmallocParams; env: Record<string, string> } {
  const params = createDefaultTcmallocParams();
  const env: Record<string, string> = {};
  for (const item of text.split(/[:,\s]+/)) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new TcmallocEnvError(`'${item}' is not NAME=value`);
    const name = item.slice(0, eq);
    const value = item.slice(eq + 1);
    switch (name) {
      case 'TCMALLOC_TRANSFER_NUM_OBJ': {
        const n = Number.parseInt(value, 10);
        if (!Number.isFinite(n) || n < 1) throw new TcmallocEnvError(`${name}=${value}: need a positive integer`);
        params.transferNumObjects = n;
        break;
      }
      case 'TCMALLOC_RELEASE_RATE': {
        const r = Number.parseFloat(value);
        if (!Number.isFinite(r) || r < 0) throw new TcmallocEnvError(`${name}=${value}: need a non-negative number`);
        params.releaseRate = r;
        break;
      }
      case 'TCMALLOC_MAX_TOTAL_THREAD_CACHE_BYTES': {
        const b = Number.parseInt(value, 10);
        if (!Number.isFinite(b) || b < 0) throw new TcmallocEnvError(`${name}=${value}: need a byte count`);
        params.overallThreadCacheBytes = b;
        break;
      }
      case 'TCMALLOC_AGGRESSIVE_DECOMMIT':
        params.aggressiveDecommit = value === '' || 'tTyY1'.includes(value[0]!);
        break;
      default:
        throw new TcmallocEnvError(`unknown setting '${name}' (known: ${Object.keys(TCMALLOC_ENV_NAMES).join(', ')})`);
    }
    env[name] = value;
  }
  return { params, env };
}
