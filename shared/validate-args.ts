// Checks the arguments of every API call at the transport boundary (IPC and HTTP), before
// anything reaches /proc: a pid is a positive integer, a snapshot is a valid v1 document.
import { MAPPINGS_CHUNK_SIZE, MIN_MAPPINGS_CHUNK_SIZE, type ApiArgs, type ApiFunctions, type ApiMethod, type ApiResult, type HeapReadOptions, type TableView } from './api.js';
import { isColumnId, MAX_ROLLUP_PIDS } from './proc/columns.js';
import { quoteUserInput } from './text/escape.js';
import { ApiError } from './errors.js';
import { validateSnapshot } from './snapshot/validate.js';
import { assertPid, isHexAddress, showArgValue } from './validate.js';
import { MAX_PAGES_PER_CALL } from './proc/page-state-map.js';

/** Checks one method's arguments, already counted, and returns them typed as the method takes them; throws ApiError. */
interface ArgsValidator<M extends ApiMethod> {
  /** How many arguments the method takes (at most, when minCount is set). */
  count: ApiArgs[M]['length'];
  /** Fewest arguments, for a method whose last ones are optional (default: count). */
  minCount?: number;
  check(args: readonly unknown[]): ApiArgs[M];
}

/** A start address as maps prints it (lowercase hex, no 0x), or bad-arg naming the method. */
function checkStartHex(method: ApiMethod, value: unknown): string {
  if (!isHexAddress(value)) throw new ApiError('bad-arg', `${method}: bad start address ${showArgValue(value)} (lowercase hex, no 0x)`);
  return value;
}

/** Most chunks a fingerprint names: twice the chunks of 2^20 mappings (content-cut chunks vary). */
const MAX_CHUNKS = 2 * (2 ** 20 / MAPPINGS_CHUNK_SIZE);

/** Longest fingerprint getMappingsIfChanged takes: 17 characters per chunk. */
const MAX_FINGERPRINT_CHARS = 17 * MAX_CHUNKS;

/** Most mappings a caller may ask getMappingsIfChanged to send whole in one answer (maxMappings): every one of 2^20. */
const MAX_ANSWER_MAPPINGS = 2 ** 20;

/** A fingerprint: '.'-separated hex as the host made it (null too where allowNull), else bad-arg. */
function checkFingerprint(method: ApiMethod, value: unknown, allowNull: boolean): string | null {
  if ((allowNull && value === null) || (typeof value === 'string' && value.length <= MAX_FINGERPRINT_CHARS && /^[0-9a-f.]*$/.test(value))) return value;
  throw new ApiError('bad-arg', `${method}: bad fingerprint ${showArgValue(value)} (${allowNull ? 'null, or ' : ''}hex from an earlier answer)`);
}

/** getMappingsIfChanged's maxMappings: a positive integer, else bad-arg. */
function checkMaxMappings(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ANSWER_MAPPINGS) return value;
  throw new ApiError('bad-arg', `getMappingsIfChanged: most mappings per answer ${showArgValue(value)} out of range (1..${MAX_ANSWER_MAPPINGS})`);
}

/** getMappingChunks' indexes: 1 to MAX_CHUNKS integers from 0, else bad-arg. */
function checkChunkIndexes(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CHUNKS) throw new ApiError('bad-arg', `getMappingChunks: expected 1 to ${MAX_CHUNKS} chunk indexes, got ${Array.isArray(value) ? value.length : showArgValue(value)}`);
  for (const index of value) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= MAX_CHUNKS) throw new ApiError('bad-arg', `getMappingChunks: bad chunk index ${showArgValue(index)}`);
  }
  return [...(value as number[])];
}

/** getMappingsIfChanged's chunkMappings: an integer in its bounds, else bad-arg. */
function checkChunkMappings(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= MIN_MAPPINGS_CHUNK_SIZE && value <= MAPPINGS_CHUNK_SIZE) return value;
  throw new ApiError('bad-arg', `getMappingsIfChanged: chunk size ${showArgValue(value)} out of range (${MIN_MAPPINGS_CHUNK_SIZE}..${MAPPINGS_CHUNK_SIZE} mappings)`);
}

/** getHeap's options: an object with nothing but an optional boolean `freeze`, or bad-arg. */
function checkHeapReadOptions(value: unknown): HeapReadOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError('bad-arg', `getHeap: options must be an object, got ${showArgValue(value)}`);
  const unknown = Object.keys(value).filter((k) => k !== 'freeze');
  if (unknown.length > 0) throw new ApiError('bad-arg', `getHeap: unknown option ${quoteUserInput(unknown[0] ?? '')} (only "freeze")`);
  const { freeze } = value as { freeze?: unknown };
  if (freeze !== undefined && typeof freeze !== 'boolean') throw new ApiError('bad-arg', `getHeap: freeze must be true or false, got ${showArgValue(freeze)}`);
  return freeze === undefined ? {} : { freeze };
}

/** A client id as setTableView takes it: 1 to 64 characters of [A-Za-z0-9_-] (a UUID fits). */
function checkClientId(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(value)) {
    throw new ApiError('bad-arg', `setTableView: bad client id ${quoteUserInput(String(value))} (1 to 64 of A-Z a-z 0-9 _ -)`);
  }
  return value;
}

/** A TableView: known column ids, at most MAX_ROLLUP_PIDS pids; anything else is bad-arg. */
function checkTableView(value: unknown): TableView {
  const view = value as Partial<TableView> | null;
  if (typeof view !== 'object' || view === null || !Array.isArray(view.columns) || !Array.isArray(view.rollupPids)) {
    throw new ApiError('bad-arg', 'setTableView: expected {columns: [...], rollupPids: [...]}');
  }
  for (const id of view.columns) if (!isColumnId(id)) throw new ApiError('bad-arg', `setTableView: unknown column ${quoteUserInput(String(id))}`);
  if (view.rollupPids.length > MAX_ROLLUP_PIDS) {
    throw new ApiError('bad-arg', `setTableView: ${view.rollupPids.length} rollup pids, at most ${MAX_ROLLUP_PIDS} (the rows on screen)`);
  }
  return { columns: [...view.columns], rollupPids: view.rollupPids.map((pid) => assertPid(pid)) };
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
  setTableView: { count: 2, check: (args) => [checkClientId(args[0]), checkTableView(args[1])] },
  getProcess: { count: 1, check: (args) => [assertPid(args[0])] },
  getMappings: { count: 1, check: (args) => [assertPid(args[0])] },
  getMappingsIfChanged: {
    count: 4,
    minCount: 2,
    check: (args) => {
      const head = [assertPid(args[0]), checkFingerprint('getMappingsIfChanged', args[1], true)] as const;
      if (args.length < 3) return [...head];
      return args.length < 4 ? [...head, checkChunkMappings(args[2])] : [...head, checkChunkMappings(args[2]), checkMaxMappings(args[3])];
    },
  },
  getMappingChunks: {
    count: 3,
    check: (args) => [assertPid(args[0]), checkFingerprint('getMappingChunks', args[1], false) ?? '', checkChunkIndexes(args[2])],
  },
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
        throw new ApiError('bad-arg', `getPages: page count ${showArgValue(count)} out of range (1..${MAX_PAGES_PER_CALL})`);
      }
      return [assertPid(args[0]), startHex, count];
    },
  },
  getHeap: {
    count: 2,
    minCount: 1,
    check: (args) => {
      const pid = assertPid(args[0]);
      return args.length < 2 ? [pid] : [pid, checkHeapReadOptions(args[1])];
    },
  },
  translateAddress: {
    count: 2,
    check: (args) => {
      // Hex, 0x optional, any case: what people type; translate.ts parses and range-checks it.
      const text = args[1];
      const digits = typeof text === 'string' ? text.replace(/^0[xX]/, '').toLowerCase() : '';
      if (!isHexAddress(digits)) throw new ApiError('bad-arg', `translateAddress: not a hex address: ${typeof text === 'string' ? quoteUserInput(text) : showArgValue(text)} (1 to 16 hex digits, 0x optional)`);
      return [assertPid(args[0]), digits];
    },
  },
};

/** Validates args for method and returns them typed; throws ApiError('bad-arg' | 'malformed'). */
export function validateApiArgs<M extends ApiMethod>(method: M, args: unknown): ApiArgs[M] {
  if (!Array.isArray(args)) throw new ApiError('bad-arg', `${method}: arguments must be an array`);
  const validator: ArgsValidator<M> = ARG_VALIDATORS[method];
  const minCount = validator.minCount ?? validator.count;
  if (args.length < minCount || args.length > validator.count) {
    const expected = minCount === validator.count ? `${minCount}` : `${minCount} to ${validator.count}`;
    throw new ApiError('bad-arg', `${method}: expected ${expected} argument(s), got ${args.length}`);
  }
  return validator.check(args);
}

/** What IPC and HTTP do with every request: validate its arguments, then call the method on api (the service). */
export function callApi<M extends ApiMethod>(api: ApiFunctions, method: M, args: unknown): Promise<ApiResult[M]> {
  return api[method](...validateApiArgs(method, args));
}
