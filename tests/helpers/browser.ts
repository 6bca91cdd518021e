// Debian's Chromium driven by playwright-core (never a downloaded browser), and a browser-mode
// server (`memscope serve --port 0`) started as a real child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';
import { requireOracle } from './oracles.js';
import { CLI_PATH } from './paths.js';

/** Launches headless Chromium with the flags this closed network needs, and extraArgs (a bench's experiment). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: requireOracle('chromium'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', ...extraArgs],
  });
}

/**
 * Waits until `expression` is true in the page, asking every 100 ms (page.waitForFunction evaluates a string by eval,
 * which the app's CSP refuses; page.evaluate does not).
 */
export async function waitUntilInPage(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await page.evaluate(expression)) !== true) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms: ${expression}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A running `memscope serve`. */
export interface ServeProcess {
  url: string;
  base: string;
  token: string;
  child: ChildProcess;
  /** What it wrote to stderr so far (only with captureStderr; else stderr is the test's). */
  stderr(): string;
  stop(): Promise<void>;
}

/** How startServe runs it: `memscope start` instead of serve, another environment, stderr kept. */
export interface ServeOptions {
  command?: 'serve' | 'start';
  env?: NodeJS.ProcessEnv;
  captureStderr?: boolean;
}

/** Starts `memscope serve --port 0 [args]` and waits for the URL it prints. */
export async function startServe(args: string[] = [], options: ServeOptions = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI_PATH, options.command ?? 'serve', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', options.captureStderr === true ? 'pipe' : 'inherit'],
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  if (child.stdout === null) throw new Error('no stdout');
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  if (first.done === true) throw new Error('memscope serve exited before printing its URL');
  const url = first.value.trim();
  const m = /^(http:\/\/[^/]+)\/\?token=(.+)$/.exec(url);
  if (m === null) throw new Error(`unexpected serve output: ${url}`);
  return {
    url,
    base: m[1] ?? '',
    token: m[2] ?? '',
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'close'); // after exit and its last stdout/stderr bytes
      child.kill('SIGTERM');
      await exited;
    },
  };
}
