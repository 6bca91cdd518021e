// The hardened BrowserWindow settings and the Content-Security-Policy, in a module without
// Electron imports so tests can check them on machines without Electron's binary.
import { LOOPBACK_CONNECT_SOURCES } from '../shared/loopback.js';

/** webPreferences for every memscope window (preloadPath filled in by main.ts). */
export function hardenedWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false, // and no enableBlinkFeatures (security checklist §9, §10)
    spellcheck: false,
  } as const;
}

/**
 * CSP sent with every response of the app's own pages (Electron's session, `memscope serve`): no remote
 * content, no inline script, no framing, fetches only to the app and memscope hosts on loopback ports
 * (the local end of an SSH tunnel, `ssh -L 7879:127.0.0.1:7878 host`; shared/loopback.ts), never the
 * network directly. renderer/index.html's meta tag repeats it without frame-ancestors (ignored in a meta tag).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  `connect-src ${LOOPBACK_CONNECT_SOURCES}`,
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The desktop app's own origin: the renderer is served from this privileged scheme, not file://
 * (file:// pages send `Origin: null`, which no server should trust). */
export const APP_SCHEME = 'app';
/** The origin remote memscope servers accept from the desktop app. */
export const APP_ORIGIN = 'app://memscope';
