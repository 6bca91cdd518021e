// `memscope heap PID [--json] [--freeze] [--chunks]`: a live process's glibc 2.36 heap read through /proc/PID/mem —
// arenas, chunks in use and free by list, mmapped chunks, mallinfo2 as the process itself would see it, the trim
// prediction and the RSS explainer; with --chunks every chunk.
import { parseArgs } from 'node:util';
import { formatHeapReport } from '../../shared/heap/format.js';
import { CHUNK_KINDS } from '../../shared/heap/inspect.js';
import { parsePid } from '../../shared/validate.js';
import { readLiveHeap } from '../host/proc/heap-reader.js';
import { expectPositionals, parseCommandArgs } from './args.js';

/** Runs `memscope heap`. */
export async function runHeap(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('heap', () =>
    parseArgs({ args: argv, strict: true, allowPositionals: true, options: { json: { type: 'boolean' }, freeze: { type: 'boolean' }, chunks: { type: 'boolean' } } }),
  );
  const [pidText] = expectPositionals('heap', positionals, ['pid']);
  const { report, details } = await readLiveHeap(parsePid(pidText ?? ''), { freeze: values.freeze === true });
  if (values.chunks === true) {
    report.arenas.forEach((a, i) => {
      const d = details[i];
      a.chunks = d === undefined ? [] : d.chunkAddresses.map((address, k) => ({ address: address.toString(16), size: d.chunkSizes[k] ?? 0, state: CHUNK_KINDS[d.chunkKinds[k] ?? 0] ?? 'in_use' }));
    });
  }
  process.stdout.write(values.json === true ? `${JSON.stringify(report)}\n` : formatHeapReport(report));
  return 0;
}
