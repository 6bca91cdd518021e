// #/process/PID/mapping/START, live: re-reads the mapping (getMapping: its smaps entry) every few seconds
// while open and charts its Rss; keeps the last reading if it goes away.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Mapping } from '../../shared/proc/types.js';
import { Banner, ErrorBanner, NoSuchMappingBanner } from '../components/banner.js';
import type { KbPoint } from '../components/small-area-chart.js';
import { useMapping } from '../hooks/use-mapping.js';
import { MappingDetail } from './mapping-detail.js';

/** Re-read period of smaps while a mapping is watched. */
export const MAPPING_POLL_MS = 3000;

/** Most Rss points kept for the chart (an hour at the poll period). */
const MAX_POINTS = 1200;

/** The live mapping page. */
export function MappingPage({ pid, start }: { pid: number; start: string }) {
  const [points, setPoints] = useState<KbPoint[]>([]);
  const lastMapping = useRef<Mapping | null>(null);
  const onMapping = useCallback((mapping: Mapping | null, atMs: number) => {
    const rss = mapping?.smaps?.Rss;
    if (typeof rss === 'number') setPoints((prev) => [...prev.slice(-(MAX_POINTS - 1)), { tMs: atMs, kb: rss }]);
  }, []);
  const { mapping: current, answered, atMs, error } = useMapping(pid, start, MAPPING_POLL_MS, onMapping);

  useEffect(() => {
    setPoints([]);
    lastMapping.current = null;
  }, [pid, start]);

  if (current !== null) lastMapping.current = current;
  const mapping = current ?? lastMapping.current;

  const banners = (
    <>
      {error !== null ? <ErrorBanner error={error} what={`/proc/${pid}/smaps`} /> : null}
      {answered && current === null && mapping !== null ? (
        <Banner tone="gone" title={`No mapping starts at ${start} any more`} testId="mapping-gone">
          It was unmapped, or merged with or split from a neighbour (mprotect, mremap). The last reading is shown.
        </Banner>
      ) : null}
    </>
  );

  if (mapping === null) {
    return (
      <div className="page" data-testid="mapping-detail" data-start={start}>
        <a href={`#/process/${pid}`}>← pid {pid}</a>
        {banners}
        {!answered && error === null ? <p>reading /proc/{pid}/smaps…</p> : null}
        {answered ? (
          <NoSuchMappingBanner pid={pid} start={start} />
        ) : null}
      </div>
    );
  }
  return <MappingDetail mapping={mapping} pid={pid} rssHistory={points} atMs={atMs} origin="live" backHref={`#/process/${pid}`} banners={banners} />;
}
