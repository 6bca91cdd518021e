// `serve --open` hands the token to a browser without putting it on a command line (any local user reads
// argv in /proc/PID/cmdline, and a browser keeps what it was started with). xdg-open gets the path of a
// 0600 page in a private 0700 directory; the page sends the browser on to http://HOST:PORT/#token=…
// (a fragment never reaches a server, a log or a Referer) and renderer/api/client.ts moves the token
// to sessionStorage and out of the address bar.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** How long the page stays on disk for a browser that starts slowly; it goes sooner when serve exits. */
export const LAUNCH_PAGE_TTL_MS = 60_000;

/** A written launch page. */
export interface LaunchPage {
  /** The page's path (what xdg-open is given). */
  path: string;
  /** Deletes the page and its directory (again is a no-op). */
  remove(): void;
}

/** Escapes text for an HTML attribute or text node. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page: an immediate redirect to the app with the token in the fragment, and a link if refresh is off. */
export function renderLaunchPage(appOrigin: string, token: string): string {
  const target = escapeHtml(`${appOrigin}/#token=${encodeURIComponent(token)}`);
  return [
    '<!doctype html>',
    '<meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0; url=${target}">`,
    '<title>memscope</title>',
    `<p><a href="${target}">Open memscope</a></p>`,
    '',
  ].join('\n');
}

/** $XDG_RUNTIME_DIR (the user's own 0700 directory) when set, else the temp dir; mkdtemp makes the private 0700 directory inside. */
function launchParentDir(): string {
  const runtime = process.env['XDG_RUNTIME_DIR'];
  return runtime !== undefined && isAbsolute(runtime) && existsSync(runtime) ? runtime : tmpdir();
}

/** Writes the launch page (0600 in a fresh 0700 directory) and schedules its removal after LAUNCH_PAGE_TTL_MS. */
export function writeLaunchPage(appOrigin: string, token: string): LaunchPage {
  const dir = mkdtempSync(join(launchParentDir(), 'memscope-open-'));
  const path = join(dir, 'open.html');
  writeFileSync(path, renderLaunchPage(appOrigin, token), { mode: 0o600, flag: 'wx' });
  const remove = () => {
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  const timer = setTimeout(remove, LAUNCH_PAGE_TTL_MS);
  timer.unref();
  return { path, remove };
}

/** Opens the app in the user's browser through a launch page; returns it so the caller removes it on exit. */
export function openInBrowser(appOrigin: string, token: string): LaunchPage {
  const page = writeLaunchPage(appOrigin, token);
  spawn('xdg-open', [page.path], { stdio: 'ignore', detached: true })
    .on('error', () => page.remove()) // no xdg-open: the URL serve printed is the way in
    .unref();
  return page;
}
