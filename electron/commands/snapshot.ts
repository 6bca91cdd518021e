// `memscope snapshot PID [-o FILE]`: one versioned JSON document of a process, written
// atomically (temp file + rename) so a reader never sees half a snapshot.
import { parseArgs } from 'node:util';
import { escapeControlChars } from '../../shared/text/escape.js';
import { parsePid } from '../../shared/validate.js';
import { writeFileAtomic } from '../host/files/atomic-write.js';
import { MemscopeService } from '../host/service.js';
import { expectPositionals, parseCommandArgs } from './args.js';

/** Runs `memscope snapshot`; without -o the file is memscope-PID-TIMESTAMP.json here, "-o -" is stdout. */
export async function runSnapshot(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('snapshot', () =>
    parseArgs({ args: argv, strict: true, allowPositionals: true, options: { output: { type: 'string', short: 'o' } } }),
  );
  const [pidText] = expectPositionals('snapshot', positionals, ['pid']);
  const pid = parsePid(pidText ?? '');
  const service = new MemscopeService();
  try {
    const snapshot = await service.exportSnapshot(pid);
    const text = `${JSON.stringify(snapshot, null, 1)}\n`;
    if (values.output === '-') {
      process.stdout.write(text);
      return 0;
    }
    const stamp = snapshot.createdAt.replace(/[-:]/g, '').replace(/\..*$/, '');
    const path = values.output ?? `memscope-${pid}-${stamp}.json`;
    await writeFileAtomic(path, text);
    process.stderr.write(`wrote ${escapeControlChars(path)} (${snapshot.mappings.length} mappings, ${text.length} bytes)
`);
    return 0;
  } finally {
    service.stop();
  }
}
