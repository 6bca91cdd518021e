// `npm start`: the desktop app when Electron can run here, else browser mode. Electron's binary
// is installed lazily (its own installer, once per start) because `npm install` never runs it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The compiled Electron main process. */
export const ELECTRON_MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** Electron's binary path, or null when the package has no binary yet. */
export function findElectronBinary(): string | null {
  try {
    const path = require('electron') as unknown as string; // the package's main exports the binary path
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null; // "Electron failed to install correctly": no path.txt yet
  }
}

/** Runs Electron's own installer (downloads the binary). Returns null on success, else why it failed. */
export function installElectronBinary(timeoutMs = 180_000): string | null {
  let installer: string;
  try {
    installer = require.resolve('electron/install.js');
  } catch {
    return 'the electron package is not installed (run npm install)';
  }
  const r = spawnSync(process.execPath, [installer], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status === 0 && findElectronBinary() !== null) return null;
  const detail = `${r.stderr ?? ''}\n${r.stdout ?? ''}`.split('\n').find((l) => /error|ENOTFOUND|EAI_AGAIN|ECONN/i.test(l));
  return `Electron's binary could not be downloaded${detail ? ` (${detail.trim().slice(0, 120)})` : ''}`;
}

/** Why the desktop window cannot open here, or null when it can (given a binary). */
export function whyNoDisplay(env: NodeJS.ProcessEnv = process.env): string | null {
  return env['DISPLAY'] || env['WAYLAND_DISPLAY'] ? null : 'no display (DISPLAY and WAYLAND_DISPLAY are unset)';
}

/** Decides how to start: { electron: path } or { browser: reason }. Installs Electron once if needed. */
export function chooseShell(): { electron: string } | { browser: string } {
  const noDisplay = whyNoDisplay();
  if (noDisplay !== null) return { browser: noDisplay };
  let binary = findElectronBinary();
  if (binary === null) {
    process.stderr.write("memscope: installing Electron's binary (first start)…\n");
    const failure = installElectronBinary();
    if (failure !== null) return { browser: failure };
    binary = findElectronBinary();
  }
  return binary === null ? { browser: "Electron's binary is missing after install" } : { electron: binary };
}

/** Runs the Electron app and resolves with its exit code. */
export function runElectron(binary: string, args: string[] = []): Promise<number> {
  return new Promise((resolveExit) => {
    const child = spawn(binary, [ELECTRON_MAIN, ...args], { stdio: 'inherit' });
    child.on('exit', (code) => resolveExit(code ?? 1));
    child.on('error', () => resolveExit(1));
  });
}
