// `memscope maps PID [--json] [--groups]`: a process's mappings like `pmap -X`, with a
// totals row and the VmSize check; --json emits the MappingsReport as is.
import { parseArgs } from 'node:util';
import type { MappingsCore, MappingsReport } from '../../shared/api.js';
import type { Mapping } from '../../shared/proc/types.js';
import { escapeControlChars } from '../../shared/text/escape.js';
import { parsePid } from '../../shared/validate.js';
import { readMappingsJson } from '../host/proc/mappings-reader.js';
import { ProcReader } from '../host/proc/proc-reader.js';
import { expectPositionals, parseCommandArgs } from './args.js';

/** smaps columns printed in the table, in the kernel's order (every field is in --json). */
const TABLE_FIELDS = ['Size', 'Rss', 'Pss', 'Shared_Clean', 'Shared_Dirty', 'Private_Clean', 'Private_Dirty', 'Anonymous', 'Swap', 'SwapPss', 'Locked'];

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
  if (values.json === true) {
    // The documented JSON: getMappings without groups (derivable, and they cost time on 20,000 mappings),
    // written from the smaps bytes without a Mapping object per line, read as getMappings reads (readMappingsFiles).
    // Without the service: its modules (51 instead of 17) would cost ~20 ms CPU of the lead over `pmap -X`.
    for (const part of readMappingsJson(new ProcReader(), pid)) process.stdout.write(part);
    process.stdout.write('\n');
    return 0;
  }
  const { MemscopeService } = await import('../host/service.js');
  const service = new MemscopeService();
  try {
    const report = await service.getMappings(pid);
    process.stdout.write(values.groups === true ? formatGroups(report) : formatMapsTable(report));
    return 0;
  } finally {
    service.stop();
  }
}

function fieldOf(m: Mapping, key: string): string {
  const v = m.smaps?.[key];
  return typeof v === 'number' ? String(v) : '';
}

/**
 * pmap -X layout: one line per mapping, a ruler, the totals, then what could not be read. Paths are file names
 * anyone could choose, so their control characters are shown escaped (`\x1b`; the kernel already prints LF as \012).
 */
export function formatMapsTable(report: MappingsCore): string {
  const widths = TABLE_FIELDS.map((f) => Math.max(f.length, String(report.totals[f] ?? '').length));
  const header = [
    'Address'.padStart(16),
    'Perm',
    'Offset'.padStart(8),
    'Device'.padStart(6),
    'Inode'.padStart(9),
    ...TABLE_FIELDS.map((f, i) => f.padStart(widths[i] ?? 0)),
    'Kind'.padEnd(8),
    'Mapping',
  ].join(' ');
  const lines = [`${report.pid}:   ${escapeControlChars(report.exe ?? '')}`, header];
  for (const m of report.mappings) {
    lines.push(
      [
        m.start.padStart(16),
        m.perms,
        m.offset.padStart(8),
        m.dev.padStart(6),
        String(m.inode).padStart(9),
        ...TABLE_FIELDS.map((f, i) => fieldOf(m, f).padStart(widths[i] ?? 0)),
        m.kind.padEnd(8),
        escapeControlChars(m.path),
      ].join(' '),
    );
  }
  const pad = ' '.repeat(16 + 1 + 4 + 1 + 8 + 1 + 6 + 1 + 9);
  lines.push(`${pad} ${TABLE_FIELDS.map((_f, i) => '='.repeat(widths[i] ?? 0)).join(' ')}`);
  lines.push(`${pad} ${TABLE_FIELDS.map((f, i) => String(report.totals[f] ?? '').padStart(widths[i] ?? 0)).join(' ')} KB`);
  const v = report.vmSize;
  lines.push(
    `${report.mappings.length} mappings; sizes sum to ${v.sumKb} kB ${v.ok ? '=' : '≠'} VmSize ${v.vmSizeKb} kB` +
      (v.vsyscallKb > 0 ? ` ([vsyscall] ${v.vsyscallKb} kB is outside VmSize)` : ''),
  );
  for (const r of report.restricted) lines.push(`not read: ${escapeControlChars(r)}`);
  return `${lines.join('\n')}\n`;
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
