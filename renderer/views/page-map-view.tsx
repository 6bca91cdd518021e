// #/process/PID/mapping/START/pages: a mapping page by page as the kernel holds it (/proc/PID/pagemap, and as
// root /proc/kpagecount + kpageflags), coloured by state, zoomable, with the count of each state.
import { useEffect, useMemo, useRef, useState } from 'react';
import { classifyPages, MAX_PAGES_PER_CALL } from '../../shared/proc/page-state-map.js';
import { mappingName } from '../../shared/proc/group.js';
import { mappingSizeKb, PAGE_SIZE_KB, pagesToKb } from '../../shared/units.js';
import { Banner, ErrorBanner, NoSuchMappingBanner } from '../components/banner.js';
import { computeGridColumns, MAX_GRID_CANVAS_PX, PageGrid } from '../components/page-grid.js';
import { PageLegend } from '../components/page-legend.js';
import { formatClock, formatCount, formatHumanKb } from '../format.js';
import { useElementWidth } from '../hooks/use-element-width.js';
import { useMapping } from '../hooks/use-mapping.js';
import { usePageMap } from '../hooks/use-page-map.js';
import { formatPageAddress, PageTooltip } from '../lab/page-labels.js';
import { usePalette } from '../lab/palette.js';

/** Zoom levels: CSS pixels per page. */
const ZOOMS: readonly number[] = [1, 2, 3, 4, 6, 8, 12, 16];
/** Re-read period while "follow" is on. */
const FOLLOW_MS = 2000;

/** The largest zoom whose grid stays under heightPx (at least the smallest zoom). */
function pickZoom(pageCount: number, widthPx: number, heightPx: number): number {
  let best = ZOOMS[0]!;
  for (const z of ZOOMS) if (Math.ceil(pageCount / computeGridColumns(widthPx, z)) * z <= heightPx) best = z;
  return best;
}

/** The page map page (data-testid="page-map"). */
export function PageMapView({ pid, start }: { pid: number; start: string }) {
  const { mapping, answered, error: mapsError } = useMapping(pid, start, null);
  const totalPages = mapping === null ? 0 : mappingSizeKb(mapping.start, mapping.end) / PAGE_SIZE_KB;
  const windowCount = Math.max(1, Math.ceil(totalPages / MAX_PAGES_PER_CALL));
  const [windowIndex, setWindowIndex] = useState(0);
  const firstPage = Math.min(windowIndex, windowCount - 1) * MAX_PAGES_PER_CALL;
  const pageCount = Math.min(MAX_PAGES_PER_CALL, totalPages - firstPage);
  const windowStart = mapping === null ? null : formatPageAddress(start, firstPage);
  const [follow, setFollow] = useState(false);
  const { map, atMs, error, loading, refresh } = usePageMap(pid, windowStart, pageCount, follow ? FOLLOW_MS : null);
  const palette = usePalette();
  const boxRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(boxRef, 1000);
  const [zoom, setZoom] = useState<number | null>(null);
  const autoZoom = pickZoom(pageCount, width, 420);
  const cellPx = zoom ?? autoZoom;
  const zooms = ZOOMS.filter((z) => Math.ceil(pageCount / computeGridColumns(width, z)) * z <= MAX_GRID_CANVAS_PX);
  const classified = useMemo(() => (map === null ? null : classifyPages(map)), [map]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.defaultPrevented || (t !== null && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA'))) return;
      if (e.key !== '+' && e.key !== '-' && e.key !== '=') return;
      const i = zooms.indexOf(cellPx);
      const next = e.key === '-' ? zooms[Math.max(0, i - 1)] : zooms[Math.min(zooms.length - 1, i + 1)];
      if (next !== undefined) setZoom(next);
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [zooms, cellPx]);

  const back = `#/process/${pid}/mapping/${start}`;
  return (
    <div className="page page-pages" data-testid="page-map" data-pid={pid} data-start={start}>
      <header className="panel">
        <a href={back}>← mapping {start}</a>
        <h2 className="mono">
          pages of {start}–{mapping?.end ?? '…'} <span className="perms">{mapping?.perms ?? ''}</span>
        </h2>
        <div className="mono ellipsis muted">{mapping === null ? '' : mappingName(mapping)}</div>
        <div className="facts">
          <span>
            {formatCount(totalPages)} pages <span className="muted">({formatHumanKb(pagesToKb(totalPages))})</span>
          </span>
          {map !== null ? (
            <span data-testid="pages-present" data-count={map.totals.present}>
              present <strong>{formatCount(map.totals.present)}</strong>
            </span>
          ) : null}
          {map?.totals.rssKb != null ? (
            <span>
              Rss <strong>{formatHumanKb(map.totals.rssKb)}</strong> · Pss <strong>{formatHumanKb(map.totals.pssKb ?? 0)}</strong>
            </span>
          ) : null}
          <a href={`#/process/${pid}/mapping/${start}/what-if`} data-testid="open-what-if">
            What if… (fork, copy-on-write)
          </a>
        </div>
      </header>
      {mapsError !== null ? <ErrorBanner error={mapsError} what={`/proc/${pid}/maps`} /> : null}
      {answered && mapping === null ? (
        <NoSuchMappingBanner pid={pid} start={start} />
      ) : null}
      {error !== null ? <ErrorBanner error={error} what={`/proc/${pid}/pagemap`} /> : null}
      {map !== null && !map.pfnsVisible ? (
        <Banner tone="info" title="Not root: pagemap only" testId="pages-restricted">
          Shown: present, swapped, exclusive, file and soft-dirty per page. How many processes map a page, the zero page and the dirty flag come from /proc/kpagecount and
          /proc/kpageflags, which need root (CAP_SYS_ADMIN): {map.restricted.join('; ')}.
        </Banner>
      ) : null}
      <section className="panel" ref={boxRef}>
        <div className="toolbar">
          <h3>page map</h3>
          {windowCount > 1 ? (
            <label>
              window{' '}
              <select value={windowIndex} onChange={(e) => setWindowIndex(Number(e.target.value))} data-testid="pages-window" aria-label="which 1 GiB of the mapping">
                {Array.from({ length: windowCount }, (_, w) => (
                  <option key={w} value={w}>
                    pages {formatCount(w * MAX_PAGES_PER_CALL)}–{formatCount(Math.min(totalPages, (w + 1) * MAX_PAGES_PER_CALL) - 1)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <div className="segmented" role="group" aria-label="zoom (+ / -)">
            {zooms.map((z) => (
              <button type="button" key={z} className={z === cellPx ? 'on' : ''} onClick={() => setZoom(z)} title={`${z} px per page (+ / - keys)`} data-testid={`zoom-${z}`}>
                {z}px
              </button>
            ))}
          </div>
          <span className="spacer" />
          <label className="check">
            <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} data-testid="pages-follow" /> re-read every {FOLLOW_MS / 1000} s
          </label>
          <button type="button" onClick={refresh} disabled={loading} data-testid="pages-refresh">
            {loading ? 'reading…' : 'Re-read'}
          </button>
        </div>
        {map !== null && classified !== null ? (
          <>
            <PageLegend counts={classified.counts} colors={palette.pageState} pfnsVisible={map.pfnsVisible} testId="page-legend" />
            <PageGrid
              states={classified.states}
              colors={palette.pageState}
              cellPx={cellPx}
              describe={(i) => <PageTooltip map={map} index={i} />}
              gapColor={palette.gap}
              label={`pages of ${start}`}
              testId="page-grid"
              data={{ 'page-count': map.pageCount, present: map.totals.present }}
            />
            <div className="source-note">
              measured: /proc/{pid}/pagemap{map.pfnsVisible ? ', /proc/kpagecount, /proc/kpageflags' : ''} at {atMs === null ? '…' : formatClock(atMs)} · {formatCount(map.pageCount)} pages from{' '}
              {map.startAddress} · one cell per 4 KiB page, row by row
            </div>
          </>
        ) : error === null ? (
          <p className="muted">reading /proc/{pid}/pagemap…</p>
        ) : null}
      </section>
    </div>
  );
}
