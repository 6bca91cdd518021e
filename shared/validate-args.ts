// Checks the arguments of every API call at the transport boundary (IPC and HTTP), before
// anything reaches /proc: a pid is a positive integer, a snapshot is a valid v1 document.
import type { ApiArgs, ApiFunctions, ApiMethod, ApiResult } from './api.js';
import { ApiError } from './errors.js';
import { validateSnapshot } from './snapshot/validate.js';
import { assertPid, isHexAddress } from './validate.js';
import { MAX_PAGES_PER_CALL } from './proc/page-state-map.js';

/** Checks one method's arguments, already counted, and returns them typed as the method takes them; throws ApiError. */
interface ArgsValidator<M extends ApiMethod> {
  /** How many arguments the method takes. */
  count: ApiArgs[M]['length'];
  check(args: readonly unknown[]): ApiArgs[M];
}

/** A start address as maps prints it (lowercase hex, no 0x), or bad-arg naming the method. */
function checkStartHex(method: ApiMethod, value: unknown): string {
  if (!isHexAddress(value)) throw new ApiError('bad-arg', `${method}: bad start address ${JSON.stringify(value)} (lowercase hex, no 0x)`);
  return value;
}

/**
 * One validator per method, keyed by the contract: a method without one, or one returning other
 * argument types than MemscopeApi declares, is a compile error.
 */
const ARG_VALIDATORS: { [M in ApiMethod]: ArgsValidator<M> } = {
  listProcesses: { count: 0, check: () => [] },
  getSystem: { count: 0, check: () => [] },
  getHostHistory: { count: 0, check: () => [] },
  getCacheGeometry: { count: 0, check: () => [] },
  describeSource: { count: 0, check: () => [] },
  getProcess: { count: 1, check: (args) => [assertPid(args[0])] },
  getMappings: { count: 1, check: (args) => [assertPid(args[0])] },
  getHistory: { count: 1, check: (args) => [assertPid(args[0])] },
  exportSnapshot: { count: 1, check: (args) => [assertPid(args[0])] },
  openSnapshot: {
    count: 1,
    check: (args) => {
      if (typeof args[0] !== 'string') throw new ApiError('bad-arg', 'openSnapshot: expected the file text as a string');
      return [args[0]];
    },
  },
  diffSnapshots: { count: 2, check: (args) => [validateSnapshot(args[0]), validateSnapshot(args[1])] },
  getMapping: {
    count: 2,
    check: (args) => {
      const startHex = checkStartHex('getMapping', args[1]);
      return [assertPid(args[0]), startHex];
    },
  },
  getPages: {
    count: 3,
    check: (args) => {
      const startHex = checkStartHex('getPages', args[1]);
      const count = args[2];
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_PAGES_PER_CALL) {
        throw new ApiError('bad-arg', `getPages: page count ${JSON.stringify(count)} out of range (1..${MAX_PAGES_PER_CALL})`);
      }
      return [assertPid(args[0]), startHex, count];
    },
  },
  translateAddress: {
    count: 2,
    check: (args) => {
      // Hex, 0x optional, any case: what people type; translate.ts parses and range-checks it.
      const text = args[1];
      const digits = typeof text === 'string' ? text.replace(/^0[xX]/, '').toLowerCase() : '';
      if (!isHexAddress(digits)) throw new ApiError('bad-arg', `translateAddress: not a hex address: ${JSON.stringify(text)} (1 to 16 hex digits, 0x optional)`);
      return [assertPid(args[0]), digits];
    },
  },
};

/** Validates args for method and returns them typed; throws ApiError('bad-arg' | 'malformed'). */
export function validateApiArgs<M extends ApiMethod>(method: M, args: unknown): ApiArgs[M] {
  if (!Array.isArray(args)) throw new ApiError('bad-arg', `${method}: arguments must be an array`);
  const validator: ArgsValidator<M> = ARG_VALIDATORS[method];
  if (args.length !== validator.count) throw new ApiError('bad-arg', `${method}: expected ${validator.count} argument(s), got ${args.length}`);
  return validator.check(args);
}

/** What IPC and HTTP do with every request: validate its arguments, then call the method on api (the service). */
export function callApi<M extends ApiMethod>(api: ApiFunctions, method: M, args: unknown): Promise<ApiResult[M]> {
  return api[method](...validateApiArgs(method, args));
}
