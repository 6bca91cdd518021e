// `memscope maps PID [--json] [--groups]`: a process's mappings like `pmap -X`, with a
// totals row and the VmSize check; --json emits the MappingsReport as is.
import { parseArgs } from 'node:util';
import type { MappingsReport } from '../../shared/api.js';
import { escapeControlChars } from '../../shared/text/escape.js';
import { parsePid } from '../../shared/validate.js';
import { readMappingsJson, readMappingsTable } from '../host/proc/mappings-reader.js';
import { ProcReader } from '../host/proc/proc-reader.js';
import { expectPositionals, parseCommandArgs } from './args.js';

/** Runs `memscope maps`. */
export async function runMaps(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('maps', () =>
    parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, groups: { type: 'boolean', short: 'g' } },
    }),
  );
  const [pidText] = expectPositionals('maps', positionals, ['pid']);
  const pid = parsePid(pidText ?? '');
  if (values.json === true || values.groups !== true) {
    // The documented JSON (getMappings without groups: derivable, and they cost time on 20,000 mappings) and the
    // table are both written from the smaps bytes without a Mapping object per line, read as getMappings reads
    // (readMappingsFiles). Without the service: its modules (51 instead of 17) would cost ~20 ms CPU of the lead over `pmap -X`.
    const reader = new ProcReader();
    const parts = values.json === true ? readMappingsJson(reader, pid) : readMappingsTable(reader, pid);
    for (const part of parts) process.stdout.write(part);
    if (values.json === true) process.stdout.write('\n');
    return 0;
  }
  const { MemscopeService } = await import('../host/service.js');
  const service = new MemscopeService();
  try {
    const report = await service.getMappings(pid);
    process.stdout.write(formatGroups(report));
    return 0;
  } finally {
    service.stop();
  }
}

/** One line per backing file, biggest Rss first: what each library really costs (paths escaped as in the table). */
export function formatGroups(report: MappingsReport): string {
  const groups = [...report.groups].sort((a, b) => (b.smapsSums['Rss'] ?? 0) - (a.smapsSums['Rss'] ?? 0));
  const lines = [`${'Size'.padStart(10)} ${'Rss'.padStart(9)} ${'Pss'.padStart(9)} ${'Swap'.padStart(7)} Maps Kind     Backing`];
  for (const g of groups) {
    const f = (k: string) => String(k === 'Size' ? g.sizeKb : (g.smapsSums[k] ?? 0));
    lines.push(
      `${f('Size').padStart(10)} ${f('Rss').padStart(9)} ${f('Pss').padStart(9)} ${f('Swap').padStart(7)} ` +
        `${String(g.mappingCount).padStart(4)} ${g.kind.padEnd(8)} ${escapeControlChars(g.key)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
