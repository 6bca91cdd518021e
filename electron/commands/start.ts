// `memscope start` (what `npm start` runs): the desktop window, or browser mode with one line saying why.
import { ApiError } from '../../shared/errors.js';
import { chooseShell, runElectron } from '../host/launch.js';
import { runServe } from './serve.js';

/** Runs `memscope start [serve options]`: options pass through to browser mode. */
export async function runStart(argv: string[]): Promise<number> {
  if (argv.some((a) => a === '-h' || a === '--help')) throw new ApiError('bad-arg', 'start: takes the options of memscope serve');
  const shell = chooseShell();
  if ('electron' in shell) return runElectron(shell.electron);
  process.stderr.write(`memscope: ${shell.browser}; starting browser mode instead\n`);
  return runServe(argv.includes('--open') ? argv : [...argv, '--open']);
}
