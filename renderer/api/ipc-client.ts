// Electron: wraps the preload's window.memscope, whose methods answer ApiReplies (errors as data: an
// Error crossing contextBridge keeps only its message), into a MemscopeBridge that returns values and
// throws ApiErrors, as the HTTP bridge does.
import { buildApiFunctions, unwrapApiReply, type ApiReplyFunctions, type MemscopeBridge, type PreloadBridge } from '../../shared/api.js';

/** A bridge over the preload's raw one: values returned, errors thrown as ApiErrors. */
export function createIpcBridge(raw: PreloadBridge): MemscopeBridge {
  const replying: ApiReplyFunctions = raw;
  const methods = buildApiFunctions(
    (method) =>
      async (...args) =>
        unwrapApiReply(await replying[method](...args)),
  );
  return { ...methods, onTick: raw.onTick, setTickScope: raw.setTickScope };
}
