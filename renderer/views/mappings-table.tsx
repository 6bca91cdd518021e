// pmap -X for one process: every mapping with every smaps field available (column chooser),
// sortable, grouped by backing file (shared/proc/group.ts), with totals from the report, the
// smaps_rollup line, and Σ Size checked against VmSize. Takes a MappingsReport, live or from a snapshot.
import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { MappingsReport } from '../../shared/api.js';
import { groupByBackingFile, indexChunkByName, mappingName, type MappingGroup } from '../../shared/proc/group.js';
import { isAdditiveSmapsField, sumSmapsAmounts } from '../../shared/proc/smaps-fields.js';
import type { Mapping } from '../../shared/proc/types.js';
import { listSmapsFields, mappingsToCsv } from '../../shared/snapshot/csv.js';
import { hexToBigInt, mappingSizeKb } from '../../shared/units.js';
import { WeakMemo } from '../../shared/weak-memo.js';
import { ColumnChooser } from '../components/column-chooser.js';
import { saveText } from '../export/save-file.js';
import { VirtualTable, type TableSort, type VirtualColumn } from '../components/virtual-table.js';
import { formatCount, formatExactKb } from '../format.js';
import { describeSmapsField } from '../help/smaps-fields.js';
import { DERIVE_NOW_MAPPINGS, listMappingChunks } from '../hooks/use-mappings.js';
import { isSameItems, useSameValue } from '../hooks/use-same-value.js';
import { categorizeKind, findCategory, type KindCategory } from '../kinds.js';
import { workWhenIdle } from '../when-idle.js';

/** A line of the table: a group header, a mapping, or a totals line. */
type DisplayRow =
  | { type: 'group'; key: string; group: MappingGroup; first: Mapping; expanded: boolean }
  | { type: 'mapping'; key: string; m: Mapping; nested: boolean }
  | { type: 'total'; key: string; label: string; values: Record<string, number>; sizeKb: number; count: number };

const META_COLUMNS = ['start', 'end', 'perms', 'offset', 'dev', 'inode', 'kind', 'path'] as const;
type MetaColumn = (typeof META_COLUMNS)[number];
const META_TITLES: Record<MetaColumn, string> = { start: 'Address', end: 'End', perms: 'Perms', offset: 'Offset', dev: 'Device', inode: 'Inode', kind: 'Kind', path: 'Mapping' };
const META_DESCRIPTIONS: Record<MetaColumn, string> = {
  start: 'start address (hex, as /proc/PID/maps prints it)',
  end: 'end address (exclusive)',
  perms: 'r w x, and p (private, copy-on-write) or s (shared)',
  offset: 'offset into the file (hex)',
  dev: 'device major:minor (hex) of the file',
  inode: 'inode of the file (0 for anonymous)',
  kind: 'what the mapping is (shared/proc/classify.ts)',
  path: 'backing file or pseudo-name; groups sum all mappings of one file',
};
const META_WIDTH_PX: Record<MetaColumn, number> = { start: 132, end: 118, perms: 64, offset: 82, dev: 58, inode: 84, kind: 64, path: 280 };

/** One row object per mapping object (and nesting), so an unchanged mapping keeps its row and the row's memo holds. */
const MAPPING_ROWS = [new WeakMap<Mapping, DisplayRow>(), new WeakMap<Mapping, DisplayRow>()] as const;

function rowOfMapping(m: Mapping, nested: boolean): DisplayRow {
  const cache = MAPPING_ROWS[nested ? 1 : 0];
  let row = cache.get(m);
  if (row === undefined) {
    row = { type: 'mapping', key: `m:${m.start}`, m, nested };
    cache.set(m, row);
  }
  return row;
}

/** One row object per group object (use-mappings keeps an unchanged group's object), while its first mapping and state hold. */
const GROUP_ROWS = new WeakMap<MappingGroup, DisplayRow & { type: 'group' }>();

function rowOfGroup(group: MappingGroup, first: Mapping, expanded: boolean): DisplayRow {
  const held = GROUP_ROWS.get(group);
  if (held !== undefined && held.first === first && held.expanded === expanded) return held;
  const row = { type: 'group', key: `g:${group.key}`, group, first, expanded } as const;
  GROUP_ROWS.set(group, row);
  return row;
}

/** A group's members over the chunks' indexes: the lists of its mappings, one per chunk holding some, in address order. */
interface GroupMembers {
  first: Mapping;
  count: number;
  lists: (readonly Mapping[])[];
}

/**
 * Every group's members, in one pass over the chunks' indexes (the chunks are in address order): a lookup per key a
 * chunk holds, not one per group and chunk (a Chromium's ~160 groups × ~200 chunks at every re-read).
 */
function collectMembers(indexes: readonly ReadonlyMap<string, readonly Mapping[]>[]): Map<string, GroupMembers> {
  const out = new Map<string, GroupMembers>();
  for (const byKey of indexes) {
    for (const [key, list] of byKey) {
      const held = out.get(key);
      if (held === undefined) out.set(key, { first: list[0] as Mapping, count: list.length, lists: [list] });
      else {
        held.count += list.length;
        held.lists.push(list);
      }
    }
  }
  return out;
}

/** Each chunk's smaps field names (listSmapsFields) joined by newlines, kept while use-mappings keeps the chunk's array. */
const CHUNK_FIELDS = new WeakMemo<readonly Mapping[], string>((chunk) => listSmapsFields(chunk).join('\n'));

/** listReportFields' answer, and whether every chunk's fields went into it. */
interface ReportFields {
  fields: string[];
  complete: boolean;
}

/**
 * listSmapsFields(report.mappings), from the chunks' own lists when they all agree (a real process: the kernel prints
 * the same fields for every mapping), so a re-read lists only the chunks that changed. Agreeing lists give the whole
 * list exactly: after the first chunk every field the others bring is known, and listSmapsFields adds nothing for it.
 * Chunks without fields add nothing either. Otherwise every mapping is walked, as before. Unless `all`, new chunks
 * are listed up to DERIVE_NOW_MAPPINGS mappings (a re-read's, at once) and at least one: a first read of 20,000 mappings
 * lists the others in idle time (listIdleChunkFields), not in the task that first draws the table.
 */
function listReportFields(report: MappingsReport, all: boolean): ReportFields {
  let common: string | null = null;
  let complete = true;
  let listedNow = 0;
  for (const chunk of listMappingChunks(report)) {
    if (!CHUNK_FIELDS.has(chunk)) {
      if (!all && listedNow > 0 && listedNow + chunk.length > DERIVE_NOW_MAPPINGS) {
        complete = false;
        continue;
      }
      listedNow += chunk.length;
    }
    const joined = CHUNK_FIELDS.get(chunk);
    if (joined === '') continue;
    if (common === null) common = joined;
    else if (joined !== common) return { fields: listSmapsFields(report.mappings), complete: true };
  }
  return { fields: common === null ? [] : common.split('\n'), complete };
}

/** Lists, in idle time, the fields of the report's chunks not listed yet, then calls done; returns the cancel. */
function listIdleChunkFields(report: MappingsReport, done: () => void): () => void {
  return workWhenIdle(listMappingChunks(report).filter((chunk) => !CHUNK_FIELDS.has(chunk)), (chunk) => CHUNK_FIELDS.get(chunk), done);
}

/** Up to this many mappings, groups start expanded (a typical process); beyond, collapsed. */
const AUTO_EXPAND_MAX_MAPPINGS = 300;

/** The default columns, as pmap -X's most telling ones. */
export const DEFAULT_MAPPING_COLUMNS: readonly string[] = ['start', 'Size', 'Rss', 'Pss', 'Private_Dirty', 'Swap', 'kind', 'perms', 'path'];

function isMeta(id: string): id is MetaColumn {
  return (META_COLUMNS as readonly string[]).includes(id);
}

function readNumber(m: Mapping, field: string): number | null {
  if (field === 'Size') {
    const v = m.smaps?.Size;
    return typeof v === 'number' ? v : mappingSizeKb(m.start, m.end);
  }
  const v = m.smaps?.[field];
  return typeof v === 'number' ? v : null;
}

/** The sort value of a row for a column: numbers, or strings for text columns. */
function sortValue(row: DisplayRow, id: string): number | string | bigint {
  if (row.type === 'total') return 0;
  if (row.type === 'group') {
    if (id === 'start') return hexToBigInt(row.first.start);
    if (id === 'path') return row.group.key;
    if (id === 'kind') return row.group.kind;
    if (isMeta(id)) return '';
    if (id === 'Size') return row.group.sizeKb;
    return row.group.smapsSums[id] ?? -1;
  }
  const m = row.m;
  if (id === 'start' || id === 'end') return hexToBigInt(m[id]);
  if (id === 'inode') return m.inode;
  if (id === 'offset') return hexToBigInt(m.offset);
  if (isMeta(id)) return m[id];
  if (id === 'VmFlags') return (m.smaps?.VmFlags as string[] | undefined)?.join(' ') ?? '';
  return readNumber(m, id) ?? -1;
}

function compareValues(a: number | string | bigint, b: number | string | bigint): number {
  if (typeof a === 'string' || typeof b === 'string') return String(a).localeCompare(String(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * rows in the order of column id (descending when desc), rows of equal values by start address: each row's two values
 * read once, not at each comparison (an address is a BigInt parsed from hex, and a sort of n rows compares ~n log n
 * times: a Chromium's 160 rows parsed ~5,000 addresses at every re-read). Array sort is stable, so the order is the
 * one a comparator reading the values anew gives.
 */
function sortRows(rows: readonly DisplayRow[], columnId: string, desc: boolean): DisplayRow[] {
  const dir = desc ? -1 : 1;
  const keyed = rows.map((row) => ({ row, value: sortValue(row, columnId), start: sortValue(row, 'start') }));
  keyed.sort((a, b) => dir * compareValues(a.value, b.value) || compareValues(a.start, b.start));
  return keyed.map((k) => k.row);
}

/** The amount a row shows in a numeric column (kB for kB fields), or null for none. */
function amountOf(row: DisplayRow, id: string): number | null {
  if (row.type === 'total') {
    if (id === 'Size') return row.values.Size ?? (row.key === 't:rollup' ? null : row.sizeKb);
    return row.values[id] ?? null;
  }
  if (row.type === 'group') return id === 'Size' ? row.group.sizeKb : (row.group.smapsSums[id] ?? null);
  return readNumber(row.m, id);
}

/** A numeric column's header: the field and its unit, as smaps prints it ("Rss kB"); every amount of the table is in kB. */
function amountTitle(id: string): string {
  const unit = describeSmapsField(id)?.unit ?? 'kB';
  return unit === '' ? id : `${id} ${unit}`;
}

// Upper bounds for the UI font (13 px, bold in totals and headers) so a column is never narrower
// than its widest number: a digit or letter, the cell's padding, and the header's sort arrow.
const CHAR_MAX_PX = 8;
const CELL_PADDING_PX = 12;
const SORT_ARROW_PX = 14;

/** A numeric column's width: its header or its widest value (over every row and total), whichever is wider. */
function amountWidthPx(title: string, id: string, rows: readonly DisplayRow[], footerRows: readonly DisplayRow[]): number {
  // The widest amount is the largest or the most negative one (an integer's text grows with its magnitude): two
  // formats per column, not one per row (20,000 mappings × 20 columns took ~100 ms at each re-read).
  let max: number | null = null;
  let min: number | null = null;
  for (const list of [rows, footerRows]) {
    for (const row of list) {
      const v = amountOf(row, id);
      if (v === null) continue;
      if (max === null || v > max) max = v;
      if (min === null || v < min) min = v;
    }
  }
  const chars = Math.max(title.length, max === null ? 0 : formatCount(max).length, min === null ? 0 : formatCount(min).length);
  return chars * CHAR_MAX_PX + CELL_PADDING_PX + SORT_ARROW_PX;
}

function amountCell(kb: number | null | undefined, field: string): ReactNode {
  if (kb === null || kb === undefined) return <span className="muted">–</span>;
  const unit = describeSmapsField(field)?.unit ?? 'kB';
  if (unit !== 'kB') return String(kb);
  if (kb === 0) return <span className="muted">0</span>;
  return <span title={formatExactKb(kb)}>{formatCount(kb)}</span>;
}

/** Props of MappingsTable. */
export interface MappingsTableProps {
  report: MappingsReport;
  /** Only mappings of this kind category (from the kind summary), or all. */
  category: KindCategory | null;
  onClearCategory: () => void;
  /** Opens a mapping's drill-down. */
  onOpenMapping: (start: string) => void;
  /** Link of a mapping's drill-down ("#/process/42/mapping/7f…"). */
  mappingHref: (start: string) => string;
  /** Base of the CSV file name. */
  fileBase: string;
  /** Extra toolbar content (refresh button, auto-refresh, source note). */
  toolbar?: ReactNode;
}

/** The mappings table (data-testid="mappings-table"; rows "mapping-row-START"). */
export const MappingsTable = memo(function MappingsTable({ report, category, onClearCategory, onOpenMapping, mappingHref, fileBase, toolbar }: MappingsTableProps) {
  const [shown, setShown] = useState<Set<string>>(() => new Set(DEFAULT_MAPPING_COLUMNS));
  const [grouped, setGrouped] = useState(true);
  // Groups start expanded for ordinary processes and collapsed for huge ones; `toggled` flips single groups.
  const [expandAll, setExpandAll] = useState<boolean>(() => report.mappings.length <= AUTO_EXPAND_MAX_MAPPINGS);
  const [toggled, setToggled] = useState<ReadonlySet<string>>(() => new Set());
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<TableSort>({ columnId: 'start', desc: false });
  const [selectedKey, setSelectedKey] = useState<string | null>(null);

  // The list held while its names hold (every re-read but one that brings a new field): a new list makes new columns,
  // and new columns re-render every row on screen, changed or not.
  const heldFields = useRef<string[]>([]);
  // The report whose every chunk's fields are listed (in idle time after a first read: listReportFields).
  const [listedReport, setListedReport] = useState<MappingsReport | null>(null);
  const reportFields = useMemo(() => listReportFields(report, listedReport === report), [report, listedReport]);
  useEffect(() => (reportFields.complete ? undefined : listIdleChunkFields(report, () => setListedReport(report))), [report, reportFields]);
  const smapsFields = useMemo(() => {
    const fields = reportFields.fields;
    if (fields.join('\n') !== heldFields.current.join('\n')) heldFields.current = fields;
    return heldFields.current;
  }, [reportFields]);
  const hasSmaps = smapsFields.length > 0;
  const allColumnIds = useMemo(() => {
    const fields = smapsFields.includes('Size') ? smapsFields : ['Size', ...smapsFields];
    // pmap -X's order: address and file coordinates, the amounts, then the mapping's name.
    return [...META_COLUMNS.filter((c) => c !== 'path'), ...fields, 'path'];
  }, [smapsFields]);

  const needle = filter.trim().toLowerCase().replace(/^0x/, '');
  const filtered = useMemo(() => {
    if (category === null && needle === '') return report.mappings;
    return report.mappings.filter((m) => {
      if (category !== null && categorizeKind(m.kind) !== category) return false;
      if (needle === '') return true;
      return m.path.toLowerCase().includes(needle) || m.start.includes(needle) || m.end.includes(needle) || m.kind === needle || m.perms === needle;
    });
  }, [report.mappings, category, needle]);

  const toggleGroup = useCallback((key: string) => {
    setToggled((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  }, []);

  const rows = useMemo<DisplayRow[]>(() => {
    const sorted = (list: DisplayRow[]) => sortRows(list, sort.columnId, sort.desc);
    if (!grouped) {
      return sorted(filtered.map((m) => rowOfMapping(m, false)));
    }
    // Unfiltered, the report's chunks are indexed one by one (cached per chunk); a filtered list is one chunk of its own.
    const members = collectMembers((filtered === report.mappings ? listMappingChunks(report) : [filtered]).map(indexChunkByName));
    const groups = filtered === report.mappings ? report.groups : groupByBackingFile(filtered);
    const top: DisplayRow[] = groups.map((group) => {
      const { first, count } = members.get(group.key) as GroupMembers;
      if (count === 1) return rowOfMapping(first, false);
      return rowOfGroup(group, first, expandAll !== toggled.has(group.key) || needle !== '');
    });
    const out: DisplayRow[] = [];
    for (const row of sorted(top)) {
      out.push(row);
      if (row.type === 'group' && row.expanded) {
        const children = (members.get(row.group.key) as GroupMembers).lists.flat().map((m) => rowOfMapping(m, true));
        out.push(...sorted(children));
      }
    }
    return out;
  }, [filtered, report, grouped, expandAll, toggled, sort, needle]);

  const footerRows = useMemo<DisplayRow[]>(() => {
    const out: DisplayRow[] = [];
    if (filtered.length !== report.mappings.length) {
      const values = sumSmapsAmounts(filtered);
      let sizeKb = 0;
      for (const m of filtered) sizeKb += mappingSizeKb(m.start, m.end);
      out.push({ type: 'total', key: 't:shown', label: `${formatCount(filtered.length)} mappings shown`, values, sizeKb, count: filtered.length });
    }
    const sizeKb = report.vmSize.sumKb + report.vmSize.vsyscallKb;
    out.push({ type: 'total', key: 't:all', label: `all ${formatCount(report.mappings.length)} mappings (report totals)`, values: report.totals, sizeKb, count: report.mappings.length });
    if (report.rollup !== null) {
      const values: Record<string, number> = {};
      for (const [k, v] of Object.entries(report.rollup)) if (typeof v === 'number') values[k] = v;
      out.push({ type: 'total', key: 't:rollup', label: 'smaps_rollup (the kernel\'s own sums)', values, sizeKb: report.vmSize.sumKb, count: report.mappings.length });
    }
    return out;
  }, [filtered, report]);

  // Each amount column's width, the same array while the numbers hold: a re-read that widens nothing keeps `columns`,
  // so rows whose mapping is unchanged (same object, use-mappings.ts) are not re-rendered.
  const amountWidths = useSameValue(
    useMemo(
      () => allColumnIds.map((id) => (isMeta(id) || id === 'VmFlags' || !shown.has(id) ? 0 : amountWidthPx(amountTitle(id), id, rows, footerRows))),
      [allColumnIds, shown, rows, footerRows],
    ),
    isSameItems,
  );
  const columns = useMemo<VirtualColumn<DisplayRow>[]>(() => {
    return allColumnIds
      .filter((id) => shown.has(id))
      .map((id): VirtualColumn<DisplayRow> => {
        if (isMeta(id)) {
          return {
            id,
            title: META_TITLES[id],
            description: META_DESCRIPTIONS[id],
            widthPx: META_WIDTH_PX[id],
            flex: id === 'path',
            align: id === 'inode' ? 'right' : 'left',
            render: (row) => renderMeta(row, id, toggleGroup, mappingHref),
          };
        }
        const help = describeSmapsField(id);
        const isFlags = id === 'VmFlags';
        const title = amountTitle(id);
        return {
          id,
          title,
          description: help === null ? `${id} (no description)` : `${help.text}${help.unit === 'kB' ? ' (kB)' : ''}`,
          widthPx: isFlags ? 220 : (amountWidths[allColumnIds.indexOf(id)] ?? 0),
          align: isFlags ? 'left' : 'right',
          render: (row) => {
            if (isFlags) return row.type === 'mapping' ? <span className="mono">{(row.m.smaps?.VmFlags as string[] | undefined)?.join(' ') ?? ''}</span> : '';
            if (row.type !== 'mapping' && !isAdditiveSmapsField(id)) return '';
            return amountCell(amountOf(row, id), id);
          },
        };
      });
  }, [allColumnIds, shown, toggleGroup, mappingHref, amountWidths]);

  const onSort = useCallback((columnId: string, reverse: boolean) => {
    setSort((prev) => {
      const textual = isMeta(columnId) || columnId === 'VmFlags';
      const natural = !textual; // amounts: largest first
      if (reverse) return { columnId, desc: prev.columnId === columnId ? !prev.desc : !natural };
      return { columnId, desc: prev.columnId === columnId ? !prev.desc : natural };
    });
  }, []);

  const onOpen = useCallback(
    (row: DisplayRow) => {
      if (row.type === 'group') toggleGroup(row.group.key);
      else if (row.type === 'mapping') onOpenMapping(row.m.start);
    },
    [toggleGroup, onOpenMapping],
  );

  // One element while the columns and the choice hold: a re-read that changed numbers re-renders the table, not the
  // chooser's checkbox per column (~30 inputs React would update for nothing).
  const chooser = useMemo(
    () => (
      <ColumnChooser
        columns={allColumnIds.map((id) => ({
          id,
          title: isMeta(id) ? META_TITLES[id] : id,
          description: isMeta(id) ? META_DESCRIPTIONS[id] : (describeSmapsField(id)?.text ?? '(no description)'),
        }))}
        shown={shown}
        onChange={(next) => {
          if (next.size > 0) setShown(next);
        }}
        onReset={() => setShown(new Set(DEFAULT_MAPPING_COLUMNS))}
        testId="mapping-columns"
      />
    ),
    [allColumnIds, shown],
  );

  const hasMultiGroups = useMemo(() => (filtered === report.mappings ? report.groups : groupByBackingFile(filtered)).some((g) => g.mappingCount > 1), [filtered, report]);
  const vm = report.vmSize;
  const cat = category === null ? null : findCategory(category);
  // The toolbar's controls as elements kept while what they show holds: a re-read re-renders none of them.
  const controls = useMemo(
    () => (
      <>
        <h3>Mappings</h3>
        <input
          className="filter small"
          type="search"
          placeholder="filter: path, address, kind, perms"
          aria-label="filter mappings"
          data-testid="mapping-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && filter !== '') {
              e.stopPropagation();
              setFilter('');
            }
          }}
        />
        {cat !== null ? (
          <button type="button" className="chip" onClick={onClearCategory} title="show every kind" data-testid="kind-filter-chip">
            <i className="dot" style={{ background: cat.color }} />
            {cat.title} ✕
          </button>
        ) : null}
        <label className="check">
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} />
          group by file
        </label>
        {grouped && hasMultiGroups ? (
          <>
            <button
              type="button"
              className="link"
              onClick={() => {
                setExpandAll(true);
                setToggled(new Set());
              }}
            >
              expand all
            </button>
            <button
              type="button"
              className="link"
              onClick={() => {
                setExpandAll(false);
                setToggled(new Set());
              }}
            >
              collapse all
            </button>
          </>
        ) : null}
      </>
    ),
    [filter, cat, onClearCategory, grouped, hasMultiGroups],
  );
  // The CSV button exports the report at the click, so a re-read need not make it anew.
  const reportRef = useRef(report);
  reportRef.current = report;
  const csvButton = useMemo(
    () => (
      <button
        type="button"
        onClick={() => saveText(mappingsToCsv(reportRef.current.mappings), `${fileBase}-mappings.csv`, 'text/csv')}
        title="every mapping and smaps field as CSV"
        data-testid="mappings-csv"
      >
        CSV
      </button>
    ),
    [fileBase],
  );

  return (
    <section className="panel mappings" data-testid="mappings-panel">
      <div className="toolbar">
        {controls}
        <span className="spacer" />
        {toolbar}
        {csvButton}
        {chooser}
      </div>
      {!hasSmaps && report.mappings.length > 0 ? (
        <div className="notice">Only /proc/PID/maps could be read: sizes and permissions are known, Rss/Pss/Swap are not (smaps needs the same user or root).</div>
      ) : null}
      <VirtualTable
        className="mappings-grid"
        ariaLabel="mappings"
        testId="mappings-table"
        rows={rows}
        columns={columns}
        rowKey={(r) => r.key}
        rowHeightPx={24}
        selectedKey={selectedKey}
        onSelect={setSelectedKey}
        onOpen={onOpen}
        sort={sort}
        onSort={onSort}
        footerRows={footerRows}
        rowClassName={(r) => (r.type === 'group' ? 'row-group' : r.type === 'total' ? 'row-total' : r.nested ? 'row-nested' : '')}
        rowTestId={(r) => (r.type === 'mapping' ? `mapping-row-${r.m.start}` : r.type === 'group' ? `mapping-group-${r.group.key}` : `mapping-${r.key.slice(2)}`)}
        rowTitle={(r) => (r.type === 'mapping' ? `${r.m.start}-${r.m.end} ${r.m.perms} ${mappingName(r.m)}: double-click or Enter for every smaps field` : undefined)}
        emptyText={report.mappings.length === 0 ? 'no mappings (a kernel thread has no address space)' : 'no mapping matches the filter'}
        style={{ height: Math.min(560, Math.max(200, (rows.length + footerRows.length + 1) * 24 + 24)) }}
      />
      <div className="source-note" data-testid="vmsize-check">
        Σ Size = {formatExactKb(vm.sumKb)}
        {vm.vsyscallKb > 0 ? ` (+ ${formatExactKb(vm.vsyscallKb)} [vsyscall], outside VmSize)` : ''} · VmSize = {formatExactKb(vm.vmSizeKb)}{' '}
        {vm.ok ? (
          <span className="ok">✓ equal</span>
        ) : (
          <span className="mismatch" title="maps and status were read at slightly different moments, and the process changed in between">
            ≠ differ by {formatExactKb(Math.abs(vm.sumKb - vm.vmSizeKb))}
          </span>
        )}
        {report.rollup !== null && typeof report.rollup.Rss === 'number' && typeof report.totals.Rss === 'number' ? (
          <>
            {' '}
            · Σ Rss = {formatExactKb(report.totals.Rss)}, smaps_rollup Rss = {formatExactKb(report.rollup.Rss)}{' '}
            {report.totals.Rss === report.rollup.Rss ? <span className="ok">✓</span> : <span className="mismatch" title="smaps and smaps_rollup are separate reads">≠</span>}
          </>
        ) : null}
      </div>
    </section>
  );
});

function renderMeta(row: DisplayRow, id: MetaColumn, toggleGroup: (key: string) => void, mappingHref: (start: string) => string): ReactNode {
  if (row.type === 'total') {
    if (id === 'start') return <strong>{row.key === 't:rollup' ? 'rollup' : row.key === 't:shown' ? 'Σ shown' : 'Σ total'}</strong>;
    return id === 'path' ? <strong>{row.label}</strong> : '';
  }
  if (row.type === 'group') {
    const g = row.group;
    switch (id) {
      case 'start':
        return (
          <button
            type="button"
            className="expander mono"
            onClick={(e) => {
              e.stopPropagation();
              toggleGroup(g.key);
            }}
            aria-expanded={row.expanded}
          >
            {row.expanded ? '▾' : '▸'} {row.first.start}
          </button>
        );
      case 'kind':
        return g.kind;
      case 'path':
        return (
          <span title={g.key}>
            {g.key} <span className="muted">({g.mappingCount} maps)</span>
          </span>
        );
      default:
        return '';
    }
  }
  const m = row.m;
  switch (id) {
    case 'start':
      return (
        <a className={`mono${row.nested ? ' nested' : ''}`} href={mappingHref(m.start)} tabIndex={-1} onClick={(e) => e.stopPropagation()}>
          {m.start}
        </a>
      );
    case 'end':
    case 'offset':
    case 'dev':
    case 'perms':
      return <span className="mono">{m[id]}</span>;
    case 'inode':
      return m.inode === 0 ? <span className="muted">0</span> : String(m.inode);
    case 'kind':
      return m.kind;
    case 'path':
      return <span title={m.path}>{m.path === '' ? <span className="muted">{mappingName(m)}</span> : m.path}</span>;
  }
}

