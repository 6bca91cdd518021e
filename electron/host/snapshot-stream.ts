// Writes a memscope-snapshot v1 document of one process piece by piece while its smaps is read, so a
// process with 65,000 mappings (70 MB of smaps, 50 MB of JSON) is never held whole: the bytes are
// JSON.stringify(snapshot, null, 1) of the document snapshot-builder.ts would build from the same reads,
// the mappings written from the smaps bytes (SmapsArrayWriter: the --json byte path, re-indented).
import type { ProcessDetail } from '../../shared/api.js';
import { isApiError } from '../../shared/errors.js';
import type { HistorySample } from '../../shared/history/sample.js';
import { parseMaps } from '../../shared/proc/maps.js';
import { parseStatus, parseStatusMemory } from '../../shared/proc/status.js';
import type { ProcessRow } from '../../shared/proc/types.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Snapshot } from '../../shared/snapshot/schema.js';
import { SmapsArrayWriter } from '../../shared/snapshot/smaps-chunks.js';
import { validateSnapshot } from '../../shared/snapshot/validate.js';
import type { WriteChunk } from './files/atomic-write.js';
import { readRollupOrError, reportRollupError } from './proc/mappings-reader.js';
import type { ProcReader } from './proc/proc-reader.js';
import { UserNames } from './system/users.js';
import { describeHost, withStatusMemory } from './snapshot-builder.js';

/** smaps is read this much at a time (~60 mappings): at 65,000 mappings the peak RSS is ~70 MB (256 KiB pieces: ~92 MB). */
const SMAPS_CHUNK_BYTES = 1 << 16;

/** Text is handed to `write` in pieces of about this size (fewer syscalls, bounded memory). */
const FLUSH_BYTES = 1 << 16;

/** Stands in for the mapping list while the rest of the document is laid out around it. */
const MAPPINGS_PLACEHOLDER = '\u0000mappings\u0000';

/** What the service knows before /proc/PID's memory is read. */
export interface SnapshotStreamHead {
  /** exe and argv (readProcessIdentity); the status lines come from the stream's own read. */
  detail: Pick<ProcessDetail, 'exe' | 'cmdline'>;
  /** The process-table row of the last tick; VIRT/RES/SHR/SWAP and USER are replaced from the status read. */
  row: ProcessRow;
  tickMs: number;
  memTotalKb: number;
  intervalMs: number;
  samples: HistorySample[];
}

/** What was written. */
export interface StreamedSnapshot {
  createdAt: string;
  mappingCount: number;
  /** UTF-8 bytes written, the final newline included. */
  byteCount: number;
}

/**
 * Reads status, smaps_rollup and smaps (maps when smaps is denied) of pid, in that order, and writes the
 * snapshot through `write` as the mappings are read, ending with a newline. The rest of the document is
 * checked by validateSnapshot before it is written (the mappings are the kernel's bytes as parseSmaps reads them). Throws ApiError
 * ('gone', 'denied', as readMappingsCore; or write's own): a caller writing a file writes it atomically.
 */
export async function streamSnapshot(reader: ProcReader, pid: number, head: SnapshotStreamHead, write: WriteChunk): Promise<StreamedSnapshot> {
  const createdAt = new Date().toISOString();
  const exe = reader.readLink(pid, 'exe');
  const statusMs = Date.now();
  const statusBytes = reader.readProcFile(pid, 'status');
  const memory = parseStatusMemory(statusBytes);
  const status = parseStatus(statusBytes);
  const userNames = new UserNames();
  userNames.refresh();
  const smapsStartMs = Date.now();
  const { rollup, rollupError } = readRollupOrError(reader, pid);
  const document: Snapshot = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    createdAt,
    host: describeHost(head.memTotalKb),
    process: {
      pid,
      exe: head.detail.exe,
      cmdline: head.detail.cmdline,
      status,
      metrics: withStatusMemory(head.row, memory, head.memTotalKb, userNames),
    },
    mappings: [],
    rollup: null,
    totals: {},
    history: { intervalMs: head.intervalMs, samples: head.samples },
    restricted: [],
  };
  const out = new TextOutput(write);
  const [before] = layOut(document);
  out.add(before);

  const restricted: string[] = [];
  const writer = new SmapsArrayWriter(exe);
  try {
    for (const piece of reader.readProcFileChunks(pid, 'smaps', SMAPS_CHUNK_BYTES)) {
      out.add(...writer.push(piece));
      await out.flushIfFull();
    }
  } catch (err) {
    // The kernel refuses smaps at open (it walks page tables; maps does not), before anything of it was written.
    if (!isApiError(err) || err.code !== 'denied' || writer.mappingCount > 0) throw err;
    restricted.push("smaps: permission denied (root is needed for other users' processes)");
    out.add(...writer.writeMappings(parseMaps(reader.readProcFile(pid, 'maps'), exe)));
  }
  out.add(...writer.finish());
  const smapsEndMs = Date.now();
  const mappingCount = writer.mappingCount;
  const totals = writer.totals;

  if (rollupError !== null) reportRollupError(rollupError, mappingCount, memory.vmSizeKb, restricted, reader, pid);
  const finished: Snapshot = {
    ...document,
    rollup: rollupError === null ? rollup : null,
    totals,
    restricted,
    readTimes: { tickMs: head.tickMs, statusMs, smapsStartMs, smapsEndMs },
  };
  validateSnapshot(finished);
  const [, after] = layOut(finished);
  out.add(`${after}\n`);
  await out.flush();
  return { createdAt, mappingCount, byteCount: out.byteCount };
}

/** The document's indent-1 JSON before and after its mapping list. */
function layOut(document: Snapshot): [string, string] {
  const text = JSON.stringify({ ...document, mappings: MAPPINGS_PLACEHOLDER }, null, 1);
  const marker = JSON.stringify(MAPPINGS_PLACEHOLDER);
  const at = text.indexOf(marker);
  return [text.slice(0, at), text.slice(at + marker.length)];
}

/** Copies text into one reused buffer and hands it to write in pieces of about FLUSH_BYTES. */
class TextOutput {
  private buffer = Buffer.allocUnsafe(2 * FLUSH_BYTES);
  private size = 0;
  byteCount = 0;

  constructor(private readonly write: WriteChunk) {}

  /** Text as UTF-8, bytes as they are; both copied now. */
  add(...pieces: Array<string | Uint8Array>): void {
    for (const piece of pieces) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      if (this.size + bytes.length > this.buffer.length) {
        const bigger = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.size + bytes.length));
        this.buffer.copy(bigger, 0, 0, this.size);
        this.buffer = bigger;
      }
      this.buffer.set(bytes, this.size);
      this.size += bytes.length;
    }
  }

  async flushIfFull(): Promise<void> {
    if (this.size >= FLUSH_BYTES) await this.flush();
  }

  /** Writes what was added and waits for it: the buffer is reused after. */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const bytes = this.buffer.subarray(0, this.size);
    this.byteCount += this.size;
    this.size = 0;
    await this.write(bytes);
  }
}
