// Electron ONLY: the desktop window. Hardened (contextIsolation, sandbox, no nodeIntegration,
// strict CSP, no remote content, new windows and navigation blocked) and wired to the one
// MemscopeService through ipcMain.handle, checking every sender and argument (electron/fiddle's model).
import { app, BrowserWindow, ipcMain, net, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import { hostname } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { API_METHODS, channelOf, TICK_CHANNEL, type IpcEnvelope, type SourceInfo } from '../shared/api.js';
import { isApiError } from '../shared/errors.js';
import { validateApiArgs } from '../shared/validate-args.js';
import { MemscopeService } from './host/service.js';
import { APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY, hardenedWebPreferences } from './window-options.js';

const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));
const INDEX_URL = new URL(`${APP_ORIGIN}/index.html`);
const PRELOAD_PATH = fileURLToPath(new URL('../electron-preload/preload.cjs', import.meta.url));

const service = new MemscopeService();

/** Only our own page, loaded from disk, may call the API. */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return url === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
}

/** app://memscope/<path> → the file under dist/renderer (never outside it). */
function serveRendererFile(request: Request): Promise<Response> {
  const path = normalize(decodeURIComponent(new URL(request.url).pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(RENDERER_DIR, path === '/' ? 'index.html' : path);
  if (!file.startsWith(RENDERER_DIR)) return Promise.resolve(new Response('outside the app', { status: 403 }));
  return net.fetch(pathToFileURL(file).href);
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

// A standard, secure scheme: the renderer gets a real origin (app://memscope) for CSP and CORS.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});
void app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, serveRendererFile);
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
