// smaps of a process with 20,000 mappings: reading vs reading + parsing, and
// `memscope maps PID --json` as a whole process beside `pmap -X PID`.
import { ProcReader } from '../../electron/host/proc-reader.js';
import { parseSmaps } from '../../shared/proc/smaps.js';
import { buildHarness } from '../helpers/c-build.js';
import { CLI_PATH } from '../helpers/paths.js';
import { startAndWaitForLine, timeCommand, timeFn } from './measure.js';

/** Prints the smaps comparison. */
export async function benchSmaps(): Promise<void> {
  const { child } = await startAndWaitForLine(buildHarness('many-maps.c'), ['20000']);
  const pid = child.pid ?? 0;
  try {
    const reader = new ProcReader();
    const size = reader.readProcFile(pid, 'smaps').length;
    const readOnly = timeFn(() => reader.readProcFile(pid, 'smaps'), 7);
    const readParse = timeFn(() => parseSmaps(reader.readProcFile(pid, 'smaps'), null), 7);
    const bytes = reader.readProcFileCopy(pid, 'smaps');
    const parseOnly = timeFn(() => parseSmaps(bytes, null), 7);
    const cli = timeCommand(process.execPath, [CLI_PATH, 'maps', String(pid), '--json'], 5);
    const pmap = timeCommand('pmap', ['-X', String(pid)], 5);
    console.log(`\n## smaps with ${parseSmaps(bytes, null).length} mappings (${(size / 1e6).toFixed(1)} MB; medians)`);
    console.log(`${'what'.padEnd(46)} ${'wall ms'.padStart(9)}`);
    for (const [name, r] of [
      ['read smaps only (kernel generates it)', readOnly],
      ['read + parseSmaps', readParse],
      ['parseSmaps alone (bytes in memory)', parseOnly],
      ['memscope maps PID --json (whole process)', cli],
      ['pmap -X PID (whole process)', pmap],
    ] as const) {
      console.log(`${name.padEnd(46)} ${r.wallMs.toFixed(1).padStart(9)}`);
    }
    console.log(
      `read+parse is ${(readParse.wallMs / readOnly.wallMs).toFixed(2)}x reading alone; ` +
        `memscope maps --json is ${(pmap.wallMs / cli.wallMs).toFixed(2)}x faster than pmap -X`,
    );
  } finally {
    child.kill('SIGKILL');
  }
}
