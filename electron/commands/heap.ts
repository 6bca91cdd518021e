// `memscope heap PID [--json] [--freeze]`: a live process's glibc 2.36 heap read through /proc/PID/mem —
// arenas, chunks in use and free by list, mmapped chunks, and mallinfo2 as the process itself would see it.
import { parseArgs } from 'node:util';
import { formatHeapReport } from '../../shared/heap/format.js';
import { parsePid } from '../../shared/validate.js';
import { readHeap } from '../host/proc/heap-reader.js';
import { expectPositionals, parseCommandArgs } from './args.js';

/** Runs `memscope heap`. */
export async function runHeap(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('heap', () =>
    parseArgs({ args: argv, strict: true, allowPositionals: true, options: { json: { type: 'boolean' }, freeze: { type: 'boolean' } } }),
  );
  const [pidText] = expectPositionals('heap', positionals, ['pid']);
  const report = await readHeap(parsePid(pidText ?? ''), { freeze: values.freeze === true });
  process.stdout.write(values.json === true ? `${JSON.stringify(report)}\n` : formatHeapReport(report));
  return 0;
}
