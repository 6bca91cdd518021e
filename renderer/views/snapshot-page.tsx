// #/snapshot and #/snapshot/mapping/START: an opened snapshot file shown offline with the same
// ProcessView and MappingDetail as live data (the Snapshot is turned into their props here).
import { useMemo, useState } from 'react';
import type { MappingsReport } from '../../shared/api.js';
import { groupByBackingFile } from '../../shared/proc/group.js';
import { checkVmSize } from '../../shared/proc/vmsize.js';
import { historyToCsv } from '../../shared/snapshot/csv.js';
import type { Snapshot } from '../../shared/snapshot/schema.js';
import { Banner, ErrorBanner } from '../components/banner.js';
import { ImportSnapshotButton } from '../components/import-snapshot.js';
import { saveText } from '../export/save-file.js';
import { formatClock, formatClockMs, formatDateTime, formatHumanKb } from '../format.js';
import { navigate } from '../state/router.js';
import { clearSnapshotError, setComparison, takeSessionSnapshot, useSnapshots, type OpenedSnapshot } from '../state/snapshot-store.js';
import { toUiError, type UiError } from '../ui-error.js';
import { MappingDetail } from './mapping-detail.js';
import { ProcessView } from './process-view.js';

const openSnapshotMapping = (start: string) => navigate({ name: 'snapshot-mapping', start });
const snapshotMappingHref = (start: string) => `#/snapshot/mapping/${start}`;

/** The snapshot's mappings as a MappingsReport, as getMappings would have returned them then. */
export function reportFromSnapshot(s: Snapshot): MappingsReport {
  const vmSizeText = s.process.status.VmSize;
  const parsed = vmSizeText === undefined ? NaN : parseInt(vmSizeText, 10);
  const vmSizeKb = Number.isFinite(parsed) ? parsed : s.process.metrics.virtKb;
  return {
    pid: s.process.pid,
    exe: s.process.exe,
    mappings: s.mappings,
    rollup: s.rollup,
    totals: s.totals,
    groups: groupByBackingFile(s.mappings),
    vmSize: checkVmSize(s.mappings, vmSizeKb),
    restricted: s.restricted,
  };
}

function NoSnapshot({ error }: { error: string | null }) {
  return (
    <div className="page page-empty">
      {error !== null ? (
        <Banner tone="error" title="Not a memscope snapshot" testId="snapshot-error" onDismiss={clearSnapshotError}>
          {error}
        </Banner>
      ) : null}
      <section className="panel drop-hint">
        <h2>Open a snapshot</h2>
        <p>
          Choose a <span className="mono">memscope-PID-TIME.json</span> file (exported from a process page or with <span className="mono">memscope snapshot PID</span>), or drop it anywhere on
          this window. It is shown offline with the same views as a live process.
        </p>
        <ImportSnapshotButton testId="import-snapshot-empty" />
      </section>
    </div>
  );
}

/** "Compare with now": a fresh snapshot of the snapshot's process (same pid) held and compared with it. */
function CompareWithNow({ opened }: { opened: OpenedSnapshot }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<UiError | null>(null);
  const pid = opened.snapshot.process.pid;
  const run = () => {
    setBusy(true);
    takeSessionSnapshot(pid, (s) => `pid ${pid} at ${formatClock(Date.parse(s.createdAt))}`)
      .then(
        (now) => {
          setComparison(opened, now);
          navigate({ name: 'compare' });
        },
        (err: unknown) => setFailure(toUiError(err)),
      )
      .finally(() => setBusy(false));
  };
  return (
    <>
      <button type="button" onClick={run} disabled={busy} data-testid="compare-with-now" title={`Take a snapshot of pid ${pid} now and compare this one with it`}>
        {busy ? 'Taking…' : 'Compare with now'}
      </button>
      {failure !== null ? <ErrorBanner error={failure} what={`a snapshot of pid ${pid} now`} testId="compare-with-now-error" /> : null}
    </>
  );
}

/** The offline snapshot page; `start` set shows one mapping of it. */
export function SnapshotPage({ start }: { start: string | null }) {
  const { current, error } = useSnapshots();
  const report = useMemo(() => (current === null ? null : reportFromSnapshot(current.snapshot)), [current]);
  if (current === null || report === null) return <NoSnapshot error={error} />;
  const s = current.snapshot;
  const createdMs = Date.parse(s.createdAt);
  const header = (
    <>
      {error !== null ? (
        <Banner tone="error" title="Not a memscope snapshot" testId="snapshot-error" onDismiss={clearSnapshotError}>
          {error} (still showing {current.fileName})
        </Banner>
      ) : null}
      <Banner tone="info" title={`Offline snapshot: ${current.fileName}`} testId="snapshot-banner">
        Taken {formatDateTime(createdMs)} on {s.host.hostname} ({s.host.os}, kernel {s.host.kernel}, {s.host.arch}, {formatHumanKb(s.host.memTotalKb)} RAM) by memscope{' '}
        {s.host.memscopeVersion}. Nothing here is live.
        {s.readTimes !== undefined ? (
          <span data-testid="snapshot-read-times">
            {' '}
            VIRT/RES/SHR/SWAP and the mappings were read together at {formatClockMs(s.readTimes.statusMs)}–{formatClockMs(s.readTimes.smapsEndMs)}; %CPU and fault rates come from
            the tick at {formatClockMs(s.readTimes.tickMs)}.
          </span>
        ) : (
          ' (Written by an older memscope: RES/VIRT in the header may be from an earlier tick than the mappings.)'
        )}
        {s.restricted.length > 0 ? ` Not read: ${s.restricted.join('; ')}.` : ''}
      </Banner>
    </>
  );

  if (start !== null) {
    const mapping = s.mappings.find((m) => m.start === start) ?? null;
    if (mapping === null) {
      return (
        <div className="page">
          {header}
          <Banner tone="warn" title={`The snapshot has no mapping starting at ${start}`}>
            <a href="#/snapshot">Back to the snapshot</a>
          </Banner>
        </div>
      );
    }
    return <MappingDetail mapping={mapping} pid={s.process.pid} rssHistory={null} atMs={createdMs} origin="snapshot" backHref="#/snapshot" banners={header} />;
  }

  const fileBase = current.fileName.replace(/\.json$/i, '');
  return (
    <ProcessView
      data={{
        pid: s.process.pid,
        row: s.process.metrics,
        exe: s.process.exe,
        command: s.process.cmdline.length > 0 ? s.process.cmdline.join(' ') : s.process.metrics.command,
        history: s.history.samples,
        historyVersion: 0,
        report,
        reportAtMs: createdMs,
        origin: 'snapshot',
      }}
      fileBase={fileBase}
      banners={header}
      actions={
        <>
          <ImportSnapshotButton label="Open another…" testId="import-snapshot-another" />
          <CompareWithNow opened={current} />
          <button type="button" onClick={() => navigate({ name: 'compare' })}>
            Compare…
          </button>
          <button type="button" onClick={() => saveText(historyToCsv(s.history.samples), `${fileBase}-history.csv`, 'text/csv')} disabled={s.history.samples.length === 0}>
            History CSV
          </button>
        </>
      }
      onOpenMapping={openSnapshotMapping}
      mappingHref={snapshotMappingHref}
    />
  );
}
