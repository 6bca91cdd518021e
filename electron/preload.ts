// Electron ONLY: exposes exactly the API (PreloadBridge: every method answering an ApiReply, and the tick
// stream) as window.memscope through contextBridge; renderer/api/ipc-client.ts turns replies back into
// values and ApiErrors. Imports only 'electron' and shared/api.ts; bundled to CommonJS (sandboxed preloads cannot load ESM files).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApiReplyFunctions, channelOf, TICK_CHANNEL, TICK_SCOPE_CHANNEL, type ApiArgs, type ApiMethod, type ApiReply, type ApiResult, type PreloadBridge, type Tick } from '../shared/api.js';

/** Calls method in the main process; its handler (electron/main.ts) answers an ApiReply, never throws. */
function invoke<M extends ApiMethod>(method: M, args: ApiArgs[M]): Promise<ApiReply<ApiResult[M]>> {
  const channel = channelOf(method);
  // VS Code's validateIPC: only memscope channels ever reach ipcRenderer.
  if (!channel.startsWith('memscope:')) return Promise.resolve({ ok: false, error: { code: 'bad-arg', message: 'not a memscope channel' } });
  return ipcRenderer.invoke(channel, ...args);
}

const methods = buildApiReplyFunctions((method) => (...args) => invoke(method, args));

const bridge: PreloadBridge = {
  ...methods,
  onTick(listener: (tick: Tick) => void) {
    const wrapped = (_event: IpcRendererEvent, tick: Tick) => listener(tick);
    ipcRenderer.on(TICK_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(TICK_CHANNEL, wrapped);
    };
  },
  setTickScope(scope) {
    // A copy: a frozen or proxied array from the page must not reach structured clone. main.ts validates it.
    ipcRenderer.send(TICK_SCOPE_CHANNEL, scope === null ? null : [...scope]);
  },
};

contextBridge.exposeInMainWorld('memscope', bridge);
