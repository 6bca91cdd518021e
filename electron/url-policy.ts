// Where the desktop window may go: the navigation, redirect, new-window and shell.openExternal
// decisions of electron/main.ts as pure functions over the WHATWG URL parser (never string prefixes:
// Electron security checklist §13–15, https://www.electronjs.org/docs/latest/tutorial/security).
import { APP_ORIGIN } from './window-options.js';

/** app://memscope's host, as the URL parser reports it. */
const APP_HOST = new URL(APP_ORIGIN).host;
const APP_PROTOCOL = new URL(APP_ORIGIN).protocol;
/** The one page the window shows; every view is a `#/…` route inside it. */
const APP_PAGE_PATH = '/index.html';
/** Longest URL a log line quotes (a data: URL can be megabytes). */
const LOGGED_URL_MAX_CHARS = 200;

/**
 * https origins the app hands to the user's browser (shell.openExternal). Empty: the renderer only
 * links to its own `#/` routes and saves files through `<a download>`; a documentation link would add
 * its origin here (tests/electron/url-policy.test.ts checks this list against the renderer's links).
 */
export const EXTERNAL_LINK_ORIGINS: readonly string[] = [];

/** What main.ts does with a URL a page asked for. */
export type UrlVerdict = 'allow' | 'open-externally' | 'deny';

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True when url is on the app's own origin: app://memscope exactly, no userinfo, no port. */
export function isAppUrl(url: string): boolean {
  const u = parseUrl(url);
  return u !== null && u.protocol === APP_PROTOCOL && u.host === APP_HOST && u.username === '' && u.password === '';
}

/** True when url is the app's page (any query or `#/` route), the only document a frame may load. */
export function isAppPageUrl(url: string): boolean {
  return isAppUrl(url) && new URL(url).pathname === APP_PAGE_PATH;
}

/**
 * True when url may be opened in the user's browser: https, no userinfo (`https://docs@evil` is evil's),
 * and its origin exactly one of allowedOrigins.
 */
export function isAllowedExternalUrl(url: string, allowedOrigins: readonly string[] = EXTERNAL_LINK_ORIGINS): boolean {
  const u = parseUrl(url);
  return u !== null && u.protocol === 'https:' && u.username === '' && u.password === '' && allowedOrigins.includes(u.origin);
}

/** A frame wants to navigate to url (will-navigate, will-frame-navigate): stay on the app page, or hand an allowed link to the browser. */
export function decideNavigation(url: string, allowedOrigins: readonly string[] = EXTERNAL_LINK_ORIGINS): UrlVerdict {
  if (isAppPageUrl(url)) return 'allow';
  return isAllowedExternalUrl(url, allowedOrigins) ? 'open-externally' : 'deny';
}

/** A server redirect during a navigation (will-redirect): only back to the app page; never to the browser, the server chose it. */
export function decideRedirect(url: string): UrlVerdict {
  return isAppPageUrl(url) ? 'allow' : 'deny';
}

/** window.open / target=_blank (setWindowOpenHandler): never a new window; an allowed link goes to the browser. */
export function decideWindowOpen(url: string, allowedOrigins: readonly string[] = EXTERNAL_LINK_ORIGINS): UrlVerdict {
  return isAllowedExternalUrl(url, allowedOrigins) ? 'open-externally' : 'deny';
}

/** One log line for a blocked URL: quoted (no line breaks get through) and cut to LOGGED_URL_MAX_CHARS. */
export function describeBlockedUrl(what: string, url: string): string {
  const shown = url.length > LOGGED_URL_MAX_CHARS ? `${url.slice(0, LOGGED_URL_MAX_CHARS)}…` : url;
  return `memscope: blocked ${what} to ${JSON.stringify(shown)}`;
}
