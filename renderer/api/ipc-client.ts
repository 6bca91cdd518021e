// Electron: wraps the preload's window.memscope, whose methods answer ApiReplies (errors as data: an
// Error crossing contextBridge keeps only its message), into a MemscopeBridge that returns values and
// throws ApiErrors, as the HTTP bridge does.
import { buildApiFunctions, type ApiReply, type ApiReplyFunctions, type MemscopeBridge, type PreloadBridge } from '../../shared/api.js';
import { decodeApiError } from '../../shared/errors.js';

/** The value of a reply, or its error rethrown as an ApiError. */
function unwrapReply<T>(reply: ApiReply<T>): T {
  if (reply.ok) return reply.value;
  throw decodeApiError(reply.error);
}

/** A bridge over the preload's raw one: values returned, errors thrown as ApiErrors. */
export function createIpcBridge(raw: PreloadBridge): MemscopeBridge {
  const replying: ApiReplyFunctions = raw;
  const methods = buildApiFunctions(
    (method) =>
      async (...args) =>
        unwrapReply(await replying[method](...args)),
  );
  return { ...methods, onTick: raw.onTick };
}
