// A virtualised table: fixed row height, only the rows in view (plus a few) are in the DOM, so
// 2,000 processes or 20,000 mappings scroll smoothly. Sortable headers, keyboard selection, sticky totals.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';

/** One column: how wide, how aligned, and how a row's cell is drawn. */
export interface VirtualColumn<T> {
  id: string;
  title: string;
  /** Header tooltip. */
  description?: string;
  /** Width in px; a `flex` column takes at least this and grows. */
  widthPx: number;
  flex?: boolean;
  align?: 'left' | 'right';
  /** false: clicking the header does nothing. */
  sortable?: boolean;
  render: (row: T) => ReactNode;
}

/** The current sort, shown as an arrow in the header. */
export interface TableSort {
  columnId: string;
  desc: boolean;
}

/** What VirtualTable needs. */
export interface VirtualTableProps<T> {
  rows: readonly T[];
  columns: readonly VirtualColumn<T>[];
  rowKey: (row: T) => string;
  /** Fixed row height in px (default 24). */
  rowHeightPx?: number;
  selectedKey?: string | null;
  onSelect?: (key: string, row: T) => void;
  /** Enter or double click. */
  onOpen?: (row: T) => void;
  sort?: TableSort | null;
  /** Header click; shift-click asks for the reverse order. */
  onSort?: (columnId: string, reverse: boolean) => void;
  rowClassName?: (row: T) => string;
  rowTestId?: (row: T) => string;
  rowTitle?: (row: T) => string | undefined;
  /** Rows pinned under the body (totals). */
  footerRows?: readonly T[];
  testId?: string;
  ariaLabel: string;
  emptyText?: ReactNode;
  className?: string;
  style?: CSSProperties;
  initialScrollTop?: number;
  onScrollTopChange?: (scrollTop: number) => void;
  /** When this value changes the selected row is scrolled into view. */
  revealToken?: unknown;
  /** Focus the table when mounted (keyboard use right away). */
  autoFocus?: boolean;
  /** Called with the rows on screen [first, last) (overscan excluded) whenever they change. */
  onWindowChange?: (first: number, last: number) => void;
}

const OVERSCAN_ROWS = 8;

/**
 * The scroller's height before any layout, for the first render: its style's height when given in px (the mappings
 * table's), else the window's (a scroller shows no more than the window). Too high only renders a few rows more; the
 * ResizeObserver's first report, before the first paint, gives the real one.
 */
function guessViewHeight(style: CSSProperties | undefined): number {
  return typeof style?.height === 'number' ? style.height : window.innerHeight;
}

interface RowProps<T> {
  row: T;
  columns: readonly VirtualColumn<T>[];
  gridTemplate: string;
  topPx: number | null;
  heightPx: number;
  selected: boolean;
  rowKey: string;
  className: string;
  testId: string | undefined;
  title: string | undefined;
  onSelect: ((key: string, row: T) => void) | undefined;
  onOpen: ((row: T) => void) | undefined;
}

function RowView<T>(props: RowProps<T>) {
  const { row, columns, topPx, heightPx, selected, rowKey, onSelect, onOpen } = props;
  const style: CSSProperties = { gridTemplateColumns: props.gridTemplate, height: heightPx };
  if (topPx !== null) style.transform = `translateY(${topPx}px)`;
  return (
    <div
      role="row"
      aria-selected={selected}
      className={`vt-row${selected ? ' selected' : ''}${topPx === null ? ' vt-footer-row' : ''} ${props.className}`}
      style={style}
      data-testid={props.testId}
      data-key={rowKey}
      title={props.title}
      onClick={onSelect === undefined ? undefined : () => onSelect(rowKey, row)}
      onDoubleClick={onOpen === undefined ? undefined : () => onOpen(row)}
    >
      {columns.map((c) => (
        <div role="gridcell" key={c.id} className={`vt-cell${c.align === 'right' ? ' num' : ''}`}>
          {c.render(row)}
        </div>
      ))}
    </div>
  );
}

// memo: a row re-renders only when its data object, selection or columns change.
const Row = memo(RowView) as typeof RowView;

/** Renders rows[] in a scrolling grid, only the visible slice in the DOM. */
export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const { rows, columns, rowKey, selectedKey = null, onSelect, onOpen, sort, onSort } = props;
  const rowHeightPx = props.rowHeightPx ?? 24;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(props.initialScrollTop ?? 0);
  const [viewHeight, setViewHeight] = useState(() => guessViewHeight(props.style));
  const onScrollTopChange = props.onScrollTopChange;

  const gridTemplate = useMemo(() => columns.map((c) => (c.flex === true ? `minmax(${c.widthPx}px, 1fr)` : `${c.widthPx}px`)).join(' '), [columns]);
  const minWidthPx = useMemo(() => columns.reduce((s, c) => s + c.widthPx, 0), [columns]);

  // Nothing here reads or writes layout (clientHeight, scrollTop): right after React's commit that lays the whole page
  // out synchronously, inside the commit's task (10-30 ms on a 20,000-mapping process page, issue 13). The observer's
  // first report comes in this frame's rendering steps, after the layout the frame does anyway and before its paint:
  // the height is read there, and the scroll position restored and the focus taken there, all on a clean layout (a
  // focus() in an effect laid the fresh page out as a read does).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el === null) return;
    let restore = props.initialScrollTop;
    let focus = props.autoFocus === true;
    const observer = new ResizeObserver(() => {
      if (restore !== undefined && restore !== 0) el.scrollTop = restore;
      restore = undefined;
      if (focus) el.focus({ preventScroll: true });
      focus = false;
      setViewHeight(el.clientHeight);
    });
    observer.observe(el);
    return () => observer.disconnect();
    // initialScrollTop and autoFocus are read once, at mount (as the autofocus attribute is).
  }, []);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (el === null) return;
    setScrollTop(el.scrollTop);
    onScrollTopChange?.(el.scrollTop);
  }, [onScrollTopChange]);

  const indexOfKey = useCallback(
    (key: string | null): number => {
      if (key === null) return -1;
      for (let i = 0; i < rows.length; i++) if (rowKey(rows[i] as T) === key) return i;
      return -1;
    },
    [rows, rowKey],
  );

  /** Scrolls so row i is inside the body (below the sticky header, above the footer). */
  const reveal = useCallback(
    (i: number) => {
      const el = scrollRef.current;
      if (el === null || i < 0) return;
      const headerPx = rowHeightPx + 4;
      const footerPx = (props.footerRows?.length ?? 0) * rowHeightPx;
      const top = i * rowHeightPx;
      const bodyView = el.clientHeight - headerPx - footerPx;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeightPx > el.scrollTop + bodyView) el.scrollTop = top + rowHeightPx - bodyView;
    },
    [rowHeightPx, props.footerRows],
  );

  useEffect(() => {
    if (props.revealToken !== undefined) reveal(indexOfKey(selectedKey));
    // Only when the token changes: live updates must not yank the scroll position.
  }, [props.revealToken]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (rows.length === 0) return;
    const current = indexOfKey(selectedKey);
    const page = Math.max(1, Math.floor(viewHeight / rowHeightPx) - 2);
    let next: number | null = null;
    switch (e.key) {
      case 'ArrowDown':
        next = current < 0 ? 0 : Math.min(rows.length - 1, current + 1);
        break;
      case 'ArrowUp':
        next = current < 0 ? 0 : Math.max(0, current - 1);
        break;
      case 'PageDown':
        next = Math.min(rows.length - 1, Math.max(0, current) + page);
        break;
      case 'PageUp':
        next = Math.max(0, current - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rows.length - 1;
        break;
      case 'Enter': {
        const row = rows[current];
        if (row !== undefined && onOpen !== undefined) {
          e.preventDefault();
          onOpen(row);
        }
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    const row = rows[next];
    if (row !== undefined) {
      onSelect?.(rowKey(row), row);
      reveal(next);
    }
  };

  const first = Math.max(0, Math.floor(scrollTop / rowHeightPx) - OVERSCAN_ROWS);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewHeight) / rowHeightPx) + OVERSCAN_ROWS);
  const shownFirst = Math.min(rows.length, Math.floor(scrollTop / rowHeightPx));
  const shownLast = Math.min(rows.length, Math.ceil((scrollTop + viewHeight) / rowHeightPx));
  const onWindowChange = props.onWindowChange;
  useEffect(() => onWindowChange?.(shownFirst, shownLast), [onWindowChange, shownFirst, shownLast]);
  const visible: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const row = rows[i] as T;
    const key = rowKey(row);
    visible.push(
      <Row
        key={key}
        row={row}
        columns={columns}
        gridTemplate={gridTemplate}
        topPx={i * rowHeightPx}
        heightPx={rowHeightPx}
        selected={key === selectedKey}
        rowKey={key}
        className={props.rowClassName?.(row) ?? ''}
        testId={props.rowTestId?.(row)}
        title={props.rowTitle?.(row)}
        onSelect={onSelect}
        onOpen={onOpen}
      />,
    );
  }

  // One element while the columns and the sort hold: new rows (a tick, a re-read) re-render the rows that changed, not the header.
  const header = useMemo(
    () => (
      <div className="vt-header" role="row" style={{ gridTemplateColumns: gridTemplate, minWidth: minWidthPx, height: rowHeightPx + 4 }}>
        {columns.map((c) => {
          const active = sort?.columnId === c.id;
          const sortable = c.sortable !== false && onSort !== undefined;
          return (
            <div
              key={c.id}
              role="columnheader"
              aria-sort={active ? (sort?.desc === true ? 'descending' : 'ascending') : 'none'}
              className={`vt-head${c.align === 'right' ? ' num' : ''}${sortable ? ' sortable' : ''}${active ? ' active' : ''}`}
              title={c.description === undefined ? undefined : `${c.description}${sortable ? ' (click to sort, shift-click to reverse)' : ''}`}
              onClick={sortable ? (e) => onSort(c.id, e.shiftKey) : undefined}
            >
              <span>{c.title}</span>
              {active ? <span className="vt-arrow">{sort?.desc === true ? '▼' : '▲'}</span> : null}
            </div>
          );
        })}
      </div>
    ),
    [columns, gridTemplate, minWidthPx, rowHeightPx, sort, onSort],
  );

  return (
    <div
      ref={scrollRef}
      className={`vt ${props.className ?? ''}`}
      style={props.style}
      role="grid"
      aria-label={props.ariaLabel}
      aria-rowcount={rows.length}
      tabIndex={0}
      data-testid={props.testId}
      data-row-count={rows.length}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
    >
      {header}
      <div className="vt-body" style={{ height: rows.length * rowHeightPx, minWidth: minWidthPx }}>
        {visible}
      </div>
      {rows.length === 0 && props.emptyText !== undefined ? <div className="vt-empty">{props.emptyText}</div> : null}
      {props.footerRows !== undefined && props.footerRows.length > 0 ? (
        <div className="vt-footer" style={{ minWidth: minWidthPx }}>
          {props.footerRows.map((row) => (
            <Row
              key={rowKey(row)}
              row={row}
              columns={columns}
              gridTemplate={gridTemplate}
              topPx={null}
              heightPx={rowHeightPx}
              selected={false}
              rowKey={rowKey(row)}
              className={props.rowClassName?.(row) ?? ''}
              testId={props.rowTestId?.(row)}
              title={props.rowTitle?.(row)}
              onSelect={undefined}
              onOpen={undefined}
            />
          ))}
        </div>
      ) : null}
    </div>
  );
}
