// Renders a SnapshotDiff as plain text lines for the CLI (`memscope diff a.json b.json`): aligned
// columns, kB amounts as plain integers and deltas signed ("+132", "-8", "0") so awk/grep work on them.
// Paths and names come from a snapshot file (anything at all): their control characters are shown escaped.

import { escapeControlChars } from '../text/escape.js';
import { MAPPING_CHANGES, type MappingAmounts, type MappingDiff, type SnapshotDiff } from './diff.js';

/** What formatDiff shows. */
export interface FormatDiffOptions {
  /** List unchanged mappings too (default false: they are only counted). */
  includeUnchanged?: boolean;
  /** Most groups listed (default 20); groups with all-zero deltas are never listed. */
  maxGroups?: number;
}

type Align = 'left' | 'right';

const AMOUNT_TITLES = ['Size', 'Rss', 'Pss', 'Swap', 'Private_Dirty'] as const;

/**
 * The diff as lines: a header naming both sides, a TOTALS table (before, after, delta in kB),
 * a MAPPINGS table (one row per changed mapping, deltas in kB, smaps field names as titles) and a
 * GROUPS table (per backing file). Tables are padded so every column lines up; numbers are
 * right-aligned, text left-aligned, and no line has trailing spaces. A process has up to vm.max_map_count
 * (65530) mappings, so a diff can have 130k rows: rows are appended one by one, never spread as arguments.
 */
export function formatDiff(diff: SnapshotDiff, options: FormatDiffOptions = {}): string[] {
  const includeUnchanged = options.includeUnchanged ?? false;
  const maxGroups = options.maxGroups ?? 20;
  const lines: string[] = [];
  const side = (s: SnapshotDiff['before']): string => `pid ${s.pid} (${escapeControlChars(s.comm)}) at ${escapeControlChars(s.createdAt)}`;
  lines.push(`before: ${side(diff.before)}`);
  lines.push(`after:  ${side(diff.after)}`);
  if (!diff.sameProcess) lines.push('note: different processes (pid or start time differ); mappings matched by identity');
  lines.push(`mappings: ${MAPPING_CHANGES.map((c) => `${diff.counts[c]} ${c}`).join(', ')}`);

  lines.push('');
  lines.push('TOTALS (kB)');
  renderTable(
    lines,
    ['', 'before', 'after', 'delta'],
    ['left', 'right', 'right', 'right'],
    diff.totals.map((t) => [t.name, formatOptionalKb(t.beforeKb), formatOptionalKb(t.afterKb), formatOptionalDelta(t.deltaKb)]),
  );

  const shown = diff.mappings.filter((m) => includeUnchanged || m.change !== 'unchanged');
  lines.push('');
  lines.push('MAPPINGS (deltas in kB)');
  if (shown.length === 0) {
    lines.push('no mapping changed');
  } else {
    renderTable(
      lines,
      ['change', 'start', 'end', 'perms', ...AMOUNT_TITLES, 'path'],
      ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
      shown.map(formatMappingRow),
    );
  }

  const groups = diff.groups.filter((g) => !isZero(g.deltaKb)).slice(0, maxGroups);
  lines.push('');
  lines.push('GROUPS (deltas in kB)');
  if (groups.length === 0) {
    lines.push('no group changed');
  } else {
    renderTable(
      lines,
      ['maps', ...AMOUNT_TITLES, 'group'],
      ['right', 'right', 'right', 'right', 'right', 'right', 'left'],
      groups.map((g) => [`${g.beforeCount}->${g.afterCount}`, ...formatDeltas(g.deltaKb), escapeControlChars(g.group)]),
    );
  }
  return lines;
}

/** A delta in kB with an explicit sign: "+132", "-8", "0". */
export function formatSignedKb(deltaKb: number): string {
  const text = Number.isInteger(deltaKb) ? String(Math.abs(deltaKb)) : Math.abs(deltaKb).toFixed(1);
  if (deltaKb > 0) return `+${text}`;
  if (deltaKb < 0) return `-${text}`;
  return '0';
}

function formatMappingRow(m: MappingDiff): string[] {
  const shown = m.after ?? m.before;
  const perms = m.before !== null && m.after !== null && m.before.perms !== m.after.perms ? `${m.before.perms}->${m.after.perms}` : (shown?.perms ?? '');
  const [start, end] = describeRegionRange(m);
  const change = m.parts === undefined ? m.change : `${m.change}:${m.parts.before.length}->${m.parts.after.length}`;
  return [change, start, end, escapeControlChars(perms), ...formatDeltas(m.deltaKb), escapeControlChars(shown?.path ?? '')];
}

/**
 * The range a region covers now (after's lowest start to highest end), else before's: a stack that grew
 * down shows its new start. Hex strings as maps prints them.
 */
export function describeRegionRange(m: MappingDiff): [string, string] {
  const side = m.parts !== undefined ? m.parts.after : m.after !== null ? [m.after] : m.before !== null ? [m.before] : [];
  return [side[0]?.start ?? '', side.at(-1)?.end ?? ''];
}

function formatDeltas(d: MappingAmounts): string[] {
  return [d.sizeKb, d.rssKb, d.pssKb, d.swapKb, d.privateDirtyKb].map(formatSignedKb);
}

function formatOptionalKb(kb: number | null): string {
  return kb === null ? '-' : String(kb);
}

function formatOptionalDelta(kb: number | null): string {
  return kb === null ? '-' : formatSignedKb(kb);
}

function isZero(d: MappingAmounts): boolean {
  return d.sizeKb === 0 && d.rssKb === 0 && d.pssKb === 0 && d.swapKb === 0 && d.privateDirtyKb === 0;
}

/** Appends the table to out: every cell padded to its column's widest cell, two spaces between columns, trailing spaces trimmed. */
function renderTable(out: string[], header: string[], align: Align[], rows: string[][]): void {
  // A loop, not Math.max(...rows): a diff can have tens of thousands of rows, past the argument limit.
  const widths = header.map((h) => h.length);
  for (const row of rows) {
    for (let c = 0; c < widths.length; c++) widths[c] = Math.max(widths[c] ?? 0, (row[c] ?? '').length);
  }
  const render = (cells: string[]): string =>
    cells
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  out.push(render(header));
  for (const row of rows) out.push(render(row));
}
