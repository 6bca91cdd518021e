// `memscope translate PID ADDR [--json]`: how one virtual address of a live process becomes a physical one —
// the page-table indices level by level, the page size, and the page's pagemap/kpageflags state.
import { parseArgs } from 'node:util';
import { formatTranslation } from '../../shared/mm/translate-format.js';
import { escapeControlChars } from '../../shared/text/escape.js';
import { parsePid } from '../../shared/validate.js';
import { MemscopeService } from '../host/service.js';
import { expectPositionals, parseCommandArgs } from './args.js';

/** Runs `memscope translate`. */
export async function runTranslate(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('translate', () =>
    parseArgs({ args: argv, strict: true, allowPositionals: true, options: { json: { type: 'boolean' } } }),
  );
  const [pidText, addressText] = expectPositionals('translate', positionals, ['pid', 'addr']);
  const service = new MemscopeService();
  try {
    const report = await service.translateAddress(parsePid(pidText ?? ''), addressText ?? '');
    // The mapping's path is a file name anyone could choose: its control characters are shown escaped in text.
    const shown = { ...report, mapping: { ...report.mapping, path: escapeControlChars(report.mapping.path) } };
    process.stdout.write(values.json === true ? `${JSON.stringify(report)}\n` : formatTranslation(shown));
    return 0;
  } finally {
    service.stop();
  }
}
