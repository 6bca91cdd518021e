// Electron: wraps the preload's window.memscope so its errors ("[code] message", the only form
// that survives contextBridge) become ApiErrors again, as over HTTP.
import { API_METHODS, type MemscopeBridge } from '../../shared/api.js';
import { ApiError, apiErrorFromBody } from '../../shared/errors.js';

function toApiError(err: unknown): ApiError {
  const message = err instanceof Error ? err.message : String(err);
  const m = /\[([a-z-]+)\] (.*)$/s.exec(message);
  return m === null ? new ApiError('internal', message) : apiErrorFromBody({ code: m[1], message: m[2] });
}

/** A bridge over the preload's raw one with errors restored. */
export function createIpcBridge(raw: MemscopeBridge): MemscopeBridge {
  const wrapped = { ...raw } as Record<string, unknown>;
  for (const method of [...API_METHODS, 'describeSource'] as const) {
    const fn = raw[method] as (...args: unknown[]) => Promise<unknown>;
    wrapped[method] = (...args: unknown[]) => fn(...args).catch((err: unknown) => Promise.reject(toApiError(err)));
  }
  wrapped['onTick'] = raw.onTick;
  return wrapped as unknown as MemscopeBridge;
}
