// Electron ONLY: exposes exactly MemscopeBridge as window.memscope through contextBridge.
// Imports only 'electron' and shared/api.ts; bundled to CommonJS (sandboxed preloads cannot load ESM files).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_METHODS, channelOf, TICK_CHANNEL, type ApiMethod, type IpcEnvelope, type MemscopeBridge, type Tick } from '../shared/api.js';

async function invoke(method: ApiMethod | 'describeSource', args: unknown[]): Promise<unknown> {
  const channel = method === 'describeSource' ? 'memscope:describeSource' : channelOf(method);
  if (!channel.startsWith('memscope:')) throw new Error('[bad-arg] not a memscope channel'); // VS Code's validateIPC
  const envelope = (await ipcRenderer.invoke(channel, ...args)) as IpcEnvelope;
  if (envelope.ok) return envelope.value;
  throw new Error(`[${envelope.code}] ${envelope.message}`);
}

const bridge = Object.fromEntries(API_METHODS.map((m) => [m, (...args: unknown[]) => invoke(m, args)])) as unknown as MemscopeBridge;
bridge.describeSource = () => invoke('describeSource', []) as ReturnType<MemscopeBridge['describeSource']>;
bridge.onTick = (listener: (tick: Tick) => void) => {
  const wrapped = (_event: IpcRendererEvent, tick: Tick) => listener(tick);
  ipcRenderer.on(TICK_CHANNEL, wrapped);
  return () => {
    ipcRenderer.removeListener(TICK_CHANNEL, wrapped);
  };
};

contextBridge.exposeInMainWorld('memscope', bridge);
