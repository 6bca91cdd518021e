// `memscope start` (what `npm start` runs): the desktop window, or browser mode with one line saying why.
import { chooseShell, runElectron } from '../launch.js';
import { runServe } from './serve.js';

/** Runs `memscope start [serve options]`: options pass through to browser mode (--help is answered by registry.ts). */
export async function runStart(argv: string[]): Promise<number> {
  const shell = chooseShell();
  if ('electron' in shell) return runElectron(shell.electron);
  process.stderr.write(`memscope: ${shell.browser}; starting browser mode instead\n`);
  return runServe(argv.includes('--open') ? argv : [...argv, '--open']);
}
