// Checks the arguments of every API call at the transport boundary (IPC and HTTP), before
// anything reaches /proc: a pid is a positive integer, a snapshot is a valid v1 document.
import type { ApiMethod } from './api.js';
import { API_METHODS } from './api.js';
import { ApiError } from './errors.js';
import { validateSnapshot } from './snapshot/validate.js';
import { assertPid } from './validate.js';

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
  }
}
