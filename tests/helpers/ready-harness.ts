// Starts a C harness that prints its facts and then "ready" on stdout, and waits for that line: the one way
// tests start the subjects that print a report before they park (odd-paths.c, many-maps.c, …).
import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';

/** Spawns `binary args…` and resolves with the process and everything it printed up to "ready"; rejects if it exits first. */
export function spawnUntilReady(binary: string, args: string[]): Promise<{ child: ChildProcess; out: string }> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('ready\n')) resolve({ child, out: text });
    });
    child.on('exit', (code) => reject(new Error(`${basename(binary)} exited early (${code}): ${text}`)));
  });
}
