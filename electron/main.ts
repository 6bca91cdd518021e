// Electron ONLY: the desktop window. Hardened (contextIsolation, sandbox, no nodeIntegration,
// strict CSP, no remote content, navigation/redirects/new windows/webviews/permissions/devices denied,
// decisions in url-policy.ts) and wired to the one MemscopeService through ipcMain.handle, checking
// every sender and argument (electron/fiddle's model).
import { app, BrowserWindow, ipcMain, net, protocol, session, shell, type IpcMainEvent, type IpcMainInvokeEvent, type Session, type WebContents } from 'electron';
import { hostname } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { API_METHODS, channelOf, settleApiCall, TICK_CHANNEL, TICK_SCOPE_CHANNEL, type ApiMethod, type ApiReply, type ApiResult, type Tick } from '../shared/api.js';
import { checkTickScope, type TickScope } from '../shared/tick-scope.js';
import { callApi } from '../shared/validate-args.js';
import { MemscopeService } from './host/service.js';
import { TickFanout } from './host/tick-fanout.js';
import { DEFAULT_COLUMNS } from '../shared/proc/columns.js';
import { decideNavigation, decideRedirect, decideWindowOpen, describeBlockedUrl, isAppUrl, type UrlVerdict } from './url-policy.js';
import { APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY, hardenedWebPreferences } from './window-options.js';

const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));
const INDEX_URL = new URL(`${APP_ORIGIN}/index.html`);
const PRELOAD_PATH = fileURLToPath(new URL('../electron-preload/preload.cjs', import.meta.url));

// The window adds the columns it shows (setTableView).
const service = new MemscopeService({ transport: 'electron', baseColumns: DEFAULT_COLUMNS });

/** The windows' tick streams, each narrowed to the scope its renderer named (TICK_SCOPE_CHANNEL). */
const tickStreams = new TickFanout<WebContents, Tick>(
  (tick) => tick,
  (contents, tick) => contents.send(TICK_CHANNEL, tick),
);

/** Only our own page, loaded from disk, may call the API. */
function isTrustedSender(event: IpcMainInvokeEvent | IpcMainEvent): boolean {
  return isAppUrl(event.senderFrame?.url ?? '');
}

/** app://memscope/<path> → the file under dist/renderer (never outside it). */
function serveRendererFile(request: Request): Promise<Response> {
  const path = normalize(decodeURIComponent(new URL(request.url).pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(RENDERER_DIR, path === '/' ? 'index.html' : path);
  if (!file.startsWith(RENDERER_DIR)) return Promise.resolve(new Response('outside the app', { status: 403 }));
  return net.fetch(pathToFileURL(file).href);
}

/** Serves one method on its channel: the sender checked, the arguments validated, every outcome an ApiReply (what the preload expects). */
function handleApiMethod<M extends ApiMethod>(method: M): void {
  ipcMain.handle(channelOf(method), async (event, ...args: unknown[]): Promise<ApiReply<ApiResult[M]>> => {
    if (!isTrustedSender(event)) return { ok: false, error: { code: 'denied', message: 'untrusted sender' } };
    return settleApiCall(() => callApi(service, method, args));
  });
}

function wireIpc(): void {
  for (const method of API_METHODS) handleApiMethod(method);
  // A new scope applies to the ticks sent after it, the latest first (as a new event stream starts in browser mode).
  ipcMain.on(TICK_SCOPE_CHANNEL, (event, scope: unknown) => {
    if (!isTrustedSender(event)) return;
    let checked: TickScope;
    try {
      checked = checkTickScope(scope);
    } catch (err) {
      console.warn(`ignored a tick scope: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    tickStreams.set(event.sender, checked);
    void service.listProcesses().then((latest) => tickStreams.sendTo(event.sender, latest));
  });
}

/** Carries out a url-policy verdict: true when the frame may go on; anything else is logged. */
function applyVerdict(verdict: UrlVerdict, what: string, url: string): boolean {
  if (verdict === 'open-externally') void shell.openExternal(url); // an allowlisted link: the user's browser
  else if (verdict === 'deny') console.warn(describeBlockedUrl(what, url));
  return verdict === 'allow';
}

/** Every webContents (the window, anything created later): no new windows, no navigation or redirect off the app page, no webviews. */
function guardWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    applyVerdict(decideWindowOpen(url), 'new window', url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (!applyVerdict(decideNavigation(event.url), 'navigation', event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame) return; // the main frame is will-navigate's (both fire for it)
    if (!applyVerdict(decideNavigation(event.url), 'frame navigation', event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!applyVerdict(decideRedirect(event.url), 'redirect', event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // No 'select-bluetooth-device' listener on purpose: without one Electron cancels every Web Bluetooth request.
}

/** The app needs no permission and no device: deny every request and check (openExternal for external protocols included), cancel every HID/serial/USB picker. */
function denyPermissionsAndDevices(ses: Session): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback(); // no argument cancels
  });
  ses.on('select-serial-port', (event, _ports, _wc, callback) => {
    event.preventDefault();
    callback(''); // empty string cancels
  });
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 840,
    title: `memscope — ${hostname()}`,
    webPreferences: hardenedWebPreferences(PRELOAD_PATH),
  });
  const contents = win.webContents;
  tickStreams.set(contents, null);
  // A reload is a new renderer, which has named no scope yet: every row again.
  contents.on('did-navigate', () => tickStreams.set(contents, null));
  win.on('closed', () => tickStreams.delete(contents));
  void win.loadURL(INDEX_URL.href);
}

// A standard, secure scheme: the renderer gets a real origin (app://memscope) for CSP and CORS.
// codeCache (needs standard; electron/electron#40544): Chromium keeps V8's code cache for the app's scripts as it does for
// http(s), so a window opened again does not compile the bundle anew (issue 13, a straight load's long task).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
void app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, serveRendererFile);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  denyPermissionsAndDevices(session.defaultSession);
  wireIpc();
  service.onTick((tick) => tickStreams.send(tick));
  service.start();
  createWindow();
});
app.on('window-all-closed', () => {
  service.stop();
  app.quit();
});
