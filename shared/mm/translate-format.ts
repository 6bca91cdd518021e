// Renders a TranslationReport (shared/mm/translate.ts) for people: the walk level by level, what each
// index selects, then the page as pagemap, kpagecount and kpageflags describe it.

import { formatPageSize, type TranslationReport, type WalkStep } from './translate.js';

function describeCoverage(bytes: number): string {
  const units: [string, number][] = [['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]];
  for (const [unit, size] of units) if (bytes >= size) return `${bytes / size} ${unit}`;
  return `${bytes} B`;
}

function formatStep(step: WalkStep): string {
  const bits = `bits ${String(step.highBit).padStart(2)}..${String(step.lowBit).padEnd(2)}`;
  return `  ${step.level.padEnd(3)} index ${String(step.index).padStart(3)}  ${bits}  entry +0x${step.entryOffsetBytes.toString(16).padStart(3, '0')}  → ${step.selects} (each entry maps ${describeCoverage(step.entryCoversBytes)})`;
}

/** The walk as a few aligned lines ending with a newline. */
export function formatTranslation(r: TranslationReport): string {
  const lines: string[] = [];
  lines.push(`process ${r.pid}, address ${r.address}`);
  lines.push(`mapping ${r.mapping.start}-${r.mapping.end} ${r.mapping.perms} ${r.mapping.kind}${r.mapping.path === '' ? '' : ` ${r.mapping.path}`}`);
  lines.push(r.paging.reason);
  lines.push(`page size ${formatPageSize(r.pageSizeBytes)}, page starts at ${r.pageStart}: ${r.pageSizeEvidence}`);
  lines.push('walk (CR3 → PGD table):');
  for (const step of r.walk) lines.push(formatStep(step));
  lines.push(`  offset ${r.offsetBytes} (0x${r.offsetBytes.toString(16)})  bits ${r.offsetHighBit}..0`);
  const p = r.pagemap;
  const state = p.present ? 'present' : p.swapped ? `swapped (type ${p.swapType}, offset ${p.swapOffset})` : 'not present (never touched, or reclaimed)';
  const flags = [p.exclusive ? 'exclusive' : '', p.file ? 'file/shared' : '', p.softDirty ? 'soft-dirty' : ''].filter((s) => s !== '');
  lines.push(`pagemap: ${state}${flags.length > 0 ? `, ${flags.join(', ')}` : ''}`);
  if (r.pfn !== null) {
    lines.push(`PFN ${r.pfn} (0x${r.pfn.toString(16)}) → physical address ${r.physicalAddress ?? ''}`);
    lines.push(`kpagecount ${r.kpagecount ?? '?'}; kpageflags ${r.kpageflags === null || r.kpageflags.length === 0 ? '(none)' : r.kpageflags.join(' ')}`);
  }
  for (const why of r.restricted) lines.push(`not read: ${why}`);
  return `${lines.join('\n')}\n`;
}
