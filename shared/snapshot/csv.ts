// Exports a history or a mapping list as CSV for spreadsheets and scripts.
// Source of truth: RFC 4180 (CRLF line ends, fields with , " CR LF quoted, quotes doubled).

import { HISTORY_VALUE_FIELDS, type HistorySample } from '../history/sample.js';
import type { Mapping } from '../proc/types.js';

/**
 * The history CSV's header, in column order. A row is one tick (kind "tick", from_ms = t_ms, count 1) or a bucket
 * of older ticks (kind "bucket": from_ms..t_ms, sample_count ticks, the values those of its last tick, and each
 * value's min and max over the bucket).
 */
export const HISTORY_CSV_COLUMNS = [
  'time_iso',
  't_ms',
  'virt_kb',
  'res_kb',
  'shr_kb',
  'swap_kb',
  'kind',
  'from_ms',
  'sample_count',
  'virt_kb_min',
  'virt_kb_max',
  'res_kb_min',
  'res_kb_max',
  'shr_kb_min',
  'shr_kb_max',
  'swap_kb_min',
  'swap_kb_max',
] as const;

/** The mappings CSV's fixed leading columns; the smaps fields follow. */
export const MAPPING_CSV_COLUMNS = ['start', 'end', 'perms', 'offset', 'dev', 'inode', 'path', 'kind'] as const;

const CRLF = '\r\n';

/** One CSV line per sample, oldest first, under HISTORY_CSV_COLUMNS; time_iso is UTC ("…Z"), empty if tMs is not a valid time. */
export function historyToCsv(samples: readonly HistorySample[]): string {
  const lines: string[] = [HISTORY_CSV_COLUMNS.join(',')];
  for (const s of samples) {
    const date = new Date(s.tMs);
    const iso = Number.isNaN(date.getTime()) ? '' : date.toISOString();
    const b = s.bucket;
    const cells: (string | number)[] = [iso, s.tMs, s.virtKb, s.resKb, s.shrKb, s.swapKb, b === undefined ? 'tick' : 'bucket', b?.fromMs ?? s.tMs, b?.sampleCount ?? 1];
    for (const field of HISTORY_VALUE_FIELDS) cells.push(b?.min[field] ?? s[field], b?.max[field] ?? s[field]);
    lines.push(cells.map(String).join(','));
  }
  return lines.join(CRLF) + CRLF;
}

/**
 * One CSV line per mapping under MAPPING_CSV_COLUMNS followed by every smaps field present in any
 * mapping. Field order follows the kernel: a field is placed after the fields that precede it in the
 * first mapping that has it, so a field missing from early mappings still lands in its kernel position.
 * Numbers are written as is (kB or counts, as the kernel prints them), VmFlags space-joined, absent fields empty.
 */
export function mappingsToCsv(mappings: readonly Mapping[]): string {
  const fields = listSmapsFields(mappings);
  const lines: string[] = [[...MAPPING_CSV_COLUMNS, ...fields].map(quoteCsvField).join(',')];
  for (const m of mappings) {
    const cells = [m.start, m.end, m.perms, m.offset, m.dev, String(m.inode), m.path, m.kind];
    for (const field of fields) {
      const v = m.smaps?.[field];
      cells.push(v === undefined ? '' : Array.isArray(v) ? v.join(' ') : String(v));
    }
    lines.push(cells.map(quoteCsvField).join(','));
  }
  return lines.join(CRLF) + CRLF;
}

/** The union of the mappings' smaps field names, in kernel order (see mappingsToCsv). */
export function listSmapsFields(mappings: readonly Mapping[]): string[] {
  const order: string[] = [];
  const known = new Set<string>();
  for (const m of mappings) {
    if (m.smaps === undefined) continue;
    // A mapping whose fields are all known adds nothing (nearly all of them): skip the indexOf walk below.
    let allKnown = true;
    for (const field in m.smaps) {
      if (!known.has(field)) {
        allKnown = false;
        break;
      }
    }
    if (allKnown) continue;
    // Where the next unknown field goes: right after the last known field seen in this mapping.
    let insertAt = 0;
    for (const field of Object.keys(m.smaps)) {
      if (known.has(field)) {
        insertAt = order.indexOf(field) + 1;
      } else {
        order.splice(insertAt, 0, field);
        known.add(field);
        insertAt++;
      }
    }
  }
  return order;
}

/** A field as RFC 4180 wants it: quoted (quotes doubled) when it holds , " CR or LF, or starts or ends with a space. */
export function quoteCsvField(text: string): string {
  if (/[",\r\n]/.test(text) || text.startsWith(' ') || text.endsWith(' ')) return `"${text.replace(/"/g, '""')}"`;
  return text;
}
