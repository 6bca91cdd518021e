// Electron ONLY: the desktop window. Hardened (contextIsolation, sandbox, no nodeIntegration,
// strict CSP, no remote content, new windows and navigation blocked) and wired to the one
// MemscopeService through ipcMain.handle, checking every sender and argument (electron/fiddle's model).
import { app, BrowserWindow, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { API_METHODS, channelOf, TICK_CHANNEL, type IpcEnvelope, type SourceInfo } from '../shared/api.js';
import { isApiError } from '../shared/errors.js';
import { validateApiArgs } from '../shared/validate-args.js';
import { MemscopeService } from './host/service.js';
import { CONTENT_SECURITY_POLICY, hardenedWebPreferences } from './window-options.js';

const INDEX_URL = new URL('../renderer/index.html', import.meta.url);
const PRELOAD_PATH = fileURLToPath(new URL('../electron-preload/preload.cjs', import.meta.url));

const service = new MemscopeService();

/** Only our own page, loaded from disk, may call the API. */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return url.startsWith(INDEX_URL.href.replace(/index\.html$/, ''));
}

function wireIpc(): void {
  for (const method of API_METHODS) {
    ipcMain.handle(channelOf(method), async (event, ...args: unknown[]): Promise<IpcEnvelope> => {
      if (!isTrustedSender(event)) return { ok: false, code: 'denied', message: 'untrusted sender' };
      try {
        const valid = validateApiArgs(method, args);
        const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
        return { ok: true, value: await fn.apply(service, valid) };
      } catch (err) {
        return isApiError(err)
          ? { ok: false, code: err.code, message: err.message }
          : { ok: false, code: 'internal', message: (err as Error).message };
      }
    });
  }
  const source: SourceInfo = { hostname: hostname(), transport: 'electron', intervalMs: service.intervalMs };
  ipcMain.handle('memscope:describeSource', (event): IpcEnvelope =>
    isTrustedSender(event) ? { ok: true, value: source } : { ok: false, code: 'denied', message: 'untrusted sender' },
  );
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 840,
    title: `memscope — ${hostname()}`,
    webPreferences: hardenedWebPreferences(PRELOAD_PATH),
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url); // links open in the user's browser
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(INDEX_URL.href)) event.preventDefault();
  });
  const unsubscribe = service.onTick((tick) => win.webContents.send(TICK_CHANNEL, tick));
  win.on('closed', unsubscribe);
  void win.loadURL(INDEX_URL.href);
}

app.enableSandbox();
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});
void app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  wireIpc();
  service.start();
  createWindow();
});
app.on('window-all-closed', () => {
  service.stop();
  app.quit();
});
