// `memscope snapshot PID [-o FILE]`: one versioned JSON document of a process, streamed as its smaps is
// read (snapshot-stream.ts: 65,000 mappings in bounded memory) and written atomically (temp file + rename)
// so a reader never sees half a snapshot.
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/errors.js';
import { escapeControlChars } from '../../shared/text/escape.js';
import { parsePid } from '../../shared/validate.js';
import { writeFileAtomicStream, type WriteChunk } from '../host/files/atomic-write.js';
import { ProcReader } from '../host/proc/proc-reader.js';
import { MemscopeService } from '../host/service.js';
import { readProcessIdentity } from '../host/snapshot-builder.js';
import { DEFAULT_COLUMNS } from '../../shared/proc/columns.js';
import { streamSnapshot, type SnapshotStreamHead } from '../host/snapshot-stream.js';
import { expectPositionals, parseCommandArgs } from './args.js';

/** Runs `memscope snapshot`; without -o the file is memscope-PID-TIMESTAMP.json here, "-o -" is stdout. */
export async function runSnapshot(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('snapshot', () =>
    parseArgs({ args: argv, strict: true, allowPositionals: true, options: { output: { type: 'string', short: 'o' } } }),
  );
  const [pidText] = expectPositionals('snapshot', positionals, ['pid']);
  const pid = parsePid(pidText ?? '');
  // The tick reads stat and statm only: USER, SWAP and the status lines come from the snapshot's one status read.
  // Of this process alone: a whole-machine tick kept a history per process (~40 KB each: 600 more processes, 24 MB more RSS).
  const service = new MemscopeService({ baseColumns: DEFAULT_COLUMNS, pids: [pid] });
  try {
    const reader = new ProcReader();
    const head = await readHead(service, reader, pid);
    if (values.output === '-') {
      // Resolves once the bytes are out (the writer reuses its buffer) and, on a full pipe, the reader has drained it.
      const toStdout: WriteChunk = (data) =>
        new Promise((resolve, reject) => {
          process.stdout.write(data, (err) => (err ? reject(err) : resolve()));
        });
      await streamSnapshot(reader, pid, head, toStdout);
      return 0;
    }
    // The name holds the moment the command started; the document's createdAt is when its memory was read.
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    const path = values.output ?? `memscope-${pid}-${stamp}.json`;
    let written = { mappingCount: 0, byteCount: 0 };
    await writeFileAtomicStream(path, async (write) => {
      written = await streamSnapshot(reader, pid, head, write);
    });
    process.stderr.write(`wrote ${escapeControlChars(path)} (${written.mappingCount} mappings, ${written.byteCount} bytes)\n`);
    return 0;
  } finally {
    service.stop();
  }
}

/** The process-table row, exe, argv and history the service has of pid (one tick: the CLI's service just started). */
async function readHead(service: MemscopeService, reader: ProcReader, pid: number): Promise<SnapshotStreamHead> {
  const tick = await service.listProcesses();
  const row = tick.rows.find((r) => r.pid === pid && r.rowStatus !== 'gone');
  if (row === undefined) throw new ApiError('gone', `process ${pid} does not exist`);
  const history = await service.getHistory(pid);
  return { detail: readProcessIdentity(reader, pid), row, tickMs: tick.tMs, memTotalKb: tick.memTotalKb, intervalMs: service.intervalMs, samples: history.samples };
}
