// The desktop shell's hardening, checked where Electron's binary cannot run: the window's
// webPreferences, main.ts's wiring, and the bundles' imports.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { findElectronBinary } from '../../electron/launch.js';
import { CONTENT_SECURITY_POLICY, hardenedWebPreferences } from '../../electron/window-options.js';
import { REPO_ROOT } from '../helpers/paths.js';

test('webPreferences are the hardened ones', () => {
  const prefs = hardenedWebPreferences('/x/preload.cjs');
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.experimentalFeatures, false);
  assert.ok(!('enableBlinkFeatures' in prefs));
  assert.equal(prefs.preload, '/x/preload.cjs');
});

/**
 * The one connect-src the app may have: itself, and memscope hosts on loopback ports (SSH tunnels). No
 * http://[::1]:*: a CSP host-source has no IPv6 grammar and Chromium drops it as invalid.
 */
const LOOPBACK_ONLY_CONNECT_SRC = "connect-src 'self' http://127.0.0.1:* http://localhost:*";

test('the CSP allows only the app itself and loopback fetches: no remote content, no inline or eval script', () => {
  const html = readFileSync(join(REPO_ROOT, 'renderer/index.html'), 'utf8');
  const meta = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
  assert.ok(meta !== undefined, 'index.html has a CSP meta tag');
  // The meta tag is the header's policy minus frame-ancestors, which browsers ignore in a meta tag.
  assert.equal(meta, CONTENT_SECURITY_POLICY.replace(/; frame-ancestors [^;]*/, ''));
  assert.match(CONTENT_SECURITY_POLICY, /; frame-ancestors 'none'$/);
  for (const [where, csp] of [
    ['electron/window-options.ts', CONTENT_SECURITY_POLICY],
    ['renderer/index.html', meta],
  ] as const) {
    const directives = csp.split(';').map((d) => d.trim());
    assert.ok(directives.includes("default-src 'self'"), where);
    assert.ok(directives.includes("script-src 'self'"), where);
    assert.deepEqual(
      directives.filter((d) => d.startsWith('connect-src')),
      [LOOPBACK_ONLY_CONNECT_SRC],
      `${where}: connect-src is exactly the loopback-only form`,
    );
    // Outside connect-src: no scheme, no wildcard, no eval.
    const rest = directives.filter((d) => !d.startsWith('connect-src')).join('; ');
    assert.doesNotMatch(rest, /https?:|unsafe-eval|\*/, where);
    assert.doesNotMatch(csp, /unsafe-eval|https:/, where);
  }
});

test('main.ts uses the hardened window, blocks new windows and navigation, checks senders and arguments', () => {
  const main = readFileSync(join(REPO_ROOT, 'electron/main.ts'), 'utf8');
  assert.match(main, /webPreferences: hardenedWebPreferences\(/);
  assert.match(main, /setWindowOpenHandler\([^]*?action: 'deny'/);
  assert.match(main, /on\('will-navigate'[^]*?preventDefault/);
  assert.match(main, /isTrustedSender\(event\)/);
  assert.match(statementAt(main, 'function handleApiMethod<'), /if \(!isTrustedSender\(event\)\) return[^]*callApi\(service, method, args\)/);
  assert.match(main, /new MemscopeService\(\{ transport: 'electron'[,}]/, 'describeSource says the desktop app');
  // V8's code cache for app:// (Electron keeps it for http(s) only unless told; it needs a standard scheme).
  assert.match(statementAt(main, 'protocol.registerSchemesAsPrivileged('), /scheme: APP_SCHEME, privileges: \{(?=[^}]*standard: true)(?=[^}]*codeCache: true)/);
});

/** The statement of src that starts at marker: its line when it ends there, else through the `}` closing it at the same indent. */
function statementAt(src: string, marker: string): string {
  const start = src.indexOf(marker);
  assert.ok(start >= 0, `main.ts has ${marker}`);
  const lineStart = src.lastIndexOf('\n', start) + 1;
  const lineEnd = src.indexOf('\n', start);
  if (src.slice(lineStart, lineEnd).trimEnd().endsWith(';')) return src.slice(lineStart, lineEnd);
  const indent = /^ */.exec(src.slice(lineStart))?.[0] ?? '';
  const close = src.indexOf(`\n${indent}}`, start);
  assert.ok(close >= 0, `${marker} is closed`);
  const end = src.indexOf('\n', close + 1);
  return src.slice(lineStart, end < 0 ? src.length : end);
}

test('main.ts guards every webContents: new windows, navigation in every frame, redirects, webviews, through url-policy.ts', () => {
  const main = readFileSync(join(REPO_ROOT, 'electron/main.ts'), 'utf8');
  assert.match(statementAt(main, "app.on('web-contents-created'"), /guardWebContents\(contents\)/);
  const guard = statementAt(main, 'function guardWebContents(');
  assert.match(statementAt(guard, 'contents.setWindowOpenHandler('), /decideWindowOpen\(url\)[^]*return \{ action: 'deny' \}/);
  assert.match(statementAt(guard, "contents.on('will-navigate'"), /decideNavigation\(event\.url\)[^]*event\.preventDefault\(\)/);
  assert.match(statementAt(guard, "contents.on('will-frame-navigate'"), /decideNavigation\(event\.url\)[^]*event\.preventDefault\(\)/);
  assert.match(statementAt(guard, "contents.on('will-redirect'"), /decideRedirect\(event\.url\)[^]*event\.preventDefault\(\)/);
  assert.match(statementAt(guard, "contents.on('will-attach-webview'"), /event\.preventDefault\(\)/);
  // shell.openExternal only for an allowlisted URL (once, behind the 'open-externally' verdict); the rest is logged.
  assert.deepEqual(main.match(/shell\.openExternal\(/g), ['shell.openExternal(']);
  assert.match(main, /if \(verdict === 'open-externally'\) void shell\.openExternal\(url\)/);
  assert.match(main, /verdict === 'deny'\) console\.warn\(describeBlockedUrl\(/);
  assert.match(statementAt(main, 'function isTrustedSender('), /return isAppUrl\(event\.senderFrame\?\.url/);
  assert.match(main, /^app\.enableSandbox\(\);$/m);
});

test('main.ts denies every permission request and check, every device, and cancels the HID/serial/USB pickers', () => {
  const main = readFileSync(join(REPO_ROOT, 'electron/main.ts'), 'utf8');
  assert.match(main, /denyPermissionsAndDevices\(session\.defaultSession\)/);
  const deny = statementAt(main, 'function denyPermissionsAndDevices(');
  assert.match(deny, /ses\.setPermissionRequestHandler\(\(_wc, _permission, callback\) => callback\(false\)\);/);
  assert.match(deny, /ses\.setPermissionCheckHandler\(\(\) => false\);/);
  assert.match(deny, /ses\.setDevicePermissionHandler\(\(\) => false\);/);
  assert.match(statementAt(deny, "ses.on('select-hid-device'"), /event\.preventDefault\(\);\s*callback\(\);/);
  assert.match(statementAt(deny, "ses.on('select-serial-port'"), /event\.preventDefault\(\);\s*callback\(''\);/);
  assert.match(statementAt(deny, "ses.on('select-usb-device'"), /event\.preventDefault\(\);\s*callback\(\);/);
  assert.ok(!main.includes("on('select-bluetooth-device'"), 'no listener: Electron then cancels every Web Bluetooth request');
});

test('the renderer bundle has no Node or Electron import', () => {
  const dir = join(REPO_ROOT, 'dist/renderer/assets');
  const bundles = readdirSync(dir).filter((f) => f.endsWith('.js'));
  assert.ok(bundles.length > 0, 'renderer built');
  for (const f of bundles) {
    const js = readFileSync(join(dir, f), 'utf8');
    assert.doesNotMatch(js, /require\(["'](electron|fs|child_process|node:[a-z_]+)["']\)/, f);
    assert.doesNotMatch(js, /from\s*["'](electron|node:[a-z_]+)["']/, f);
    assert.doesNotMatch(js, /ipcRenderer/, f);
  }
});

test('the preload bundle requires only electron (what it exposes: preload.test.ts)', () => {
  const js = readFileSync(join(REPO_ROOT, 'dist/electron-preload/preload.cjs'), 'utf8');
  const requires = [...js.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(requires)], ['electron']);
  assert.match(js, /exposeInMainWorld\("memscope"/);
});

const electronBinary = findElectronBinary();
test(
  'Electron end to end: the window opens and lists processes',
  { skip: electronBinary === null ? "Electron's binary is not installed on this machine (it cannot be downloaded here)" : false },
  async () => {
    const { _electron } = await import('playwright-core');
    const app = await _electron.launch({ executablePath: electronBinary ?? '', args: [join(REPO_ROOT, 'dist/electron/main.js')] });
    try {
      const page = await app.firstWindow();
      await page.getByTestId('process-table').waitFor();
      // No Node in the page, only the bridge.
      assert.equal(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require), 'undefined');
      assert.equal(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process), 'undefined');
      assert.equal(await page.evaluate(() => typeof (globalThis as { memscope?: { listProcesses?: unknown } }).memscope?.listProcesses), 'function');
    } finally {
      await app.close();
    }
  },
);
