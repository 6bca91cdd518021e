// Checks the arguments of every API call at the transport boundary (IPC and HTTP), before
// anything reaches /proc: a pid is a positive integer, a snapshot is a valid v1 document.
import type { ApiMethod } from './api.js';
import { API_METHODS } from './api.js';
import { ApiError } from './errors.js';
import { validateSnapshot } from './snapshot/validate.js';
import { assertPid, isHexAddress } from './validate.js';
import { MAX_PAGES_PER_CALL } from './proc/page-state-map.js';

/** True when name is a MemscopeApi method. */
export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name);
}

/** Validates args for method and returns them; throws ApiError('bad-arg' | 'malformed'). */
export function validateApiArgs(method: ApiMethod, args: unknown): unknown[] {
  if (!Array.isArray(args)) throw new ApiError('bad-arg', `${method}: arguments must be an array`);
  const expectCount = (n: number) => {
    if (args.length !== n) throw new ApiError('bad-arg', `${method}: expected ${n} argument(s), got ${args.length}`);
  };
  switch (method) {
    case 'listProcesses':
    case 'getSystem':
    case 'getCacheGeometry':
      expectCount(0);
      return [];
    case 'getProcess':
    case 'getMappings':
    case 'getHistory':
    case 'exportSnapshot':
      expectCount(1);
      return [assertPid(args[0])];
    case 'openSnapshot':
      expectCount(1);
      if (typeof args[0] !== 'string') throw new ApiError('bad-arg', 'openSnapshot: expected the file text as a string');
      return [args[0]];
    case 'diffSnapshots':
      expectCount(2);
      return [validateSnapshot(args[0]), validateSnapshot(args[1])];
    case 'getMapping':
      expectCount(2);
      if (!isHexAddress(args[1])) throw new ApiError('bad-arg', `getMapping: bad start address ${JSON.stringify(args[1])} (lowercase hex, no 0x)`);
      return [assertPid(args[0]), args[1]];
    case 'getPages': {
      expectCount(3);
      if (!isHexAddress(args[1])) throw new ApiError('bad-arg', `getPages: bad start address ${JSON.stringify(args[1])} (lowercase hex, no 0x)`);
      const count = args[2];
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_PAGES_PER_CALL) {
        throw new ApiError('bad-arg', `getPages: page count ${JSON.stringify(count)} out of range (1..${MAX_PAGES_PER_CALL})`);
      }
      return [assertPid(args[0]), args[1], count];
    }
    case 'translateAddress': {
      expectCount(2);
      // Hex, 0x optional, any case: what people type; translate.ts parses and range-checks it.
      const text = args[1];
      const digits = typeof text === 'string' ? text.replace(/^0[xX]/, '').toLowerCase() : '';
      if (!isHexAddress(digits)) throw new ApiError('bad-arg', `translateAddress: not a hex address: ${JSON.stringify(text)} (1 to 16 hex digits, 0x optional)`);
      return [assertPid(args[0]), digits];
    }
  }
}
