// #/compare: two snapshots side by side through diffSnapshots (shared/snapshot/diff.ts), each a file or one held
// in the session (taken in the app, "compare with now"): totals before/after in kB, regions that grew, shrank,
// split, merged, appeared or went away (matched by overlap and backing), and per-file groups.
import { useMemo, useState } from 'react';
import { MAPPING_CHANGES, diffSnapshots, type MappingChange, type MappingDiff } from '../../shared/snapshot/diff.js';
import { describeRegionRange } from '../../shared/snapshot/format-diff.js';
import { Banner } from '../components/banner.js';
import { VirtualTable, type VirtualColumn } from '../components/virtual-table.js';
import { formatDateTime, formatDeltaKb, formatExactKb, formatHumanKb } from '../format.js';
import { holdSnapshot, readSnapshotFile, setCompareSide, useSnapshots, type OpenedSnapshot } from '../state/snapshot-store.js';

/** How a held snapshot is named in the pickers: "pid 42 (demo) at 2025-01-31 14:03:27 · file". */
function describeHeld(o: OpenedSnapshot): string {
  const s = o.snapshot;
  return `pid ${s.process.pid} (${s.process.metrics.comm}) at ${formatDateTime(Date.parse(s.createdAt))} · ${o.fileName}`;
}

function SidePicker({
  side,
  opened,
  held,
  onError,
}: {
  side: 'a' | 'b';
  opened: OpenedSnapshot | null;
  held: readonly OpenedSnapshot[];
  onError: (e: string | null) => void;
}) {
  const pick = (file: File | undefined) => {
    if (file === undefined) return;
    readSnapshotFile(file).then(
      (o) => {
        holdSnapshot(o);
        setCompareSide(side, o);
        onError(null);
      },
      (err: unknown) => onError((err as Error).message),
    );
  };
  const s = opened?.snapshot;
  return (
    <div
      className="panel compare-side"
      data-drop-target
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        e.stopPropagation();
        pick(e.dataTransfer.files[0]);
      }}
    >
      <h3>{side === 'a' ? 'Before' : 'After'}</h3>
      {s === undefined ? (
        <p className="muted">Choose a snapshot file, or drop one here.</p>
      ) : (
        <p>
          <strong>{opened?.fileName}</strong>
          <br />
          pid {s.process.pid} ({s.process.metrics.comm}) · {formatDateTime(Date.parse(s.createdAt))} · RES {formatHumanKb(s.process.metrics.resKb)}
        </p>
      )}
      <label className="button">
        Choose file…
        <input
          type="file"
          accept=".json,application/json"
          className="visually-hidden"
          data-testid={`compare-${side}`}
          onChange={(e) => {
            pick(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </label>
      {held.length > 0 ? (
        <label className="held-picker">
          or one held in this session:{' '}
          <select
            data-testid={`compare-held-${side}`}
            value={opened === null ? '' : String(held.indexOf(opened))}
            onChange={(e) => {
              const o = held[Number(e.target.value)];
              if (o !== undefined) setCompareSide(side, o);
            }}
          >
            <option value="">choose…</option>
            {held.map((o, i) => (
              <option key={i} value={String(i)}>
                {describeHeld(o)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </div>
  );
}

const CHANGE_LABEL: Record<MappingChange, string> = { grown: 'grown', shrunk: 'shrunk', split: 'split', merged: 'merged', new: 'new', gone: 'gone', unchanged: 'unchanged' };

/** "split 1→3" for regions of several mappings, else the change. */
function describeChange(d: MappingDiff): string {
  return d.parts === undefined ? CHANGE_LABEL[d.change] : `${CHANGE_LABEL[d.change]} ${d.parts.before.length}→${d.parts.after.length}`;
}

function deltaCell(kb: number) {
  return <span className={kb > 0 ? 'delta-up' : kb < 0 ? 'delta-down' : 'muted'}>{formatDeltaKb(kb)}</span>;
}

const MAPPING_COLUMNS: VirtualColumn<MappingDiff>[] = [
  { id: 'change', title: 'change', widthPx: 96, render: (d) => <span className={`badge change-${d.change}`}>{describeChange(d)}</span> },
  {
    id: 'start',
    title: 'Range (after)',
    widthPx: 240,
    render: (d) => {
      const [start, end] = describeRegionRange(d);
      const was = d.before !== null && d.after !== null && d.before.start !== d.after.start ? `was ${d.before.start}-${d.before.end}` : '';
      return (
        <span className="mono" title={was}>
          {start}-{end}
        </span>
      );
    },
  },
  { id: 'perms', title: 'Perms', widthPx: 56, render: (d) => <span className="mono">{(d.after ?? d.before)?.perms}</span> },
  { id: 'size', title: 'Δ Size (kB)', widthPx: 110, align: 'right', render: (d) => deltaCell(d.deltaKb.sizeKb) },
  { id: 'rss', title: 'Δ Rss (kB)', widthPx: 110, align: 'right', render: (d) => deltaCell(d.deltaKb.rssKb) },
  { id: 'pss', title: 'Δ Pss (kB)', widthPx: 110, align: 'right', render: (d) => deltaCell(d.deltaKb.pssKb) },
  { id: 'swap', title: 'Δ Swap (kB)', widthPx: 110, align: 'right', render: (d) => deltaCell(d.deltaKb.swapKb) },
  { id: 'pd', title: 'Δ Private_Dirty (kB)', widthPx: 150, align: 'right', render: (d) => deltaCell(d.deltaKb.privateDirtyKb) },
  {
    id: 'path',
    title: 'Mapping',
    widthPx: 240,
    flex: true,
    render: (d) => {
      const m = d.after ?? d.before;
      return m === null ? '' : m.path === '' ? <span className="muted">[{m.kind}]</span> : m.path;
    },
  },
];

/** The compare page. */
export function CompareView() {
  const { compareA, compareB, held } = useSnapshots();
  const [error, setError] = useState<string | null>(null);
  const [changes, setChanges] = useState<ReadonlySet<MappingChange>>(() => new Set<MappingChange>(['grown', 'shrunk', 'split', 'merged', 'new', 'gone']));
  const diff = useMemo(() => (compareA === null || compareB === null ? null : diffSnapshots(compareA.snapshot, compareB.snapshot)), [compareA, compareB]);
  const rows = useMemo(() => diff?.mappings.filter((m) => changes.has(m.change)) ?? [], [diff, changes]);

  return (
    <div className="page page-compare" data-testid="compare-view">
      <h2>Compare two snapshots</h2>
      {error !== null ? (
        <Banner tone="error" title="Not a memscope snapshot" testId="snapshot-error" onDismiss={() => setError(null)}>
          {error}
        </Banner>
      ) : null}
      <div className="two-columns">
        <SidePicker side="a" opened={compareA} held={held} onError={setError} />
        <SidePicker side="b" opened={compareB} held={held} onError={setError} />
      </div>
      {diff === null ? null : (
        <>
          {!diff.sameProcess ? (
            <Banner tone="info" title="Different processes">
              The pids or start times differ (e.g. two runs of one program): regions are matched where they overlap with the same backing, else by file, offset and perms, named regions by name, anonymous ones by address.
            </Banner>
          ) : null}
          <div className="two-columns">
            <section className="panel">
              <h3>Totals (kB)</h3>
              <table className="kind-summary" data-testid="compare-totals">
                <thead>
                  <tr>
                    <th />
                    <th className="num">before</th>
                    <th className="num">after</th>
                    <th className="num">delta</th>
                  </tr>
                </thead>
                <tbody>
                  {diff.totals.map((t) => (
                    <tr key={t.name}>
                      <td>{t.name}</td>
                      <td className="num" title={t.beforeKb === null ? '' : formatHumanKb(t.beforeKb)} data-kb={t.beforeKb ?? ''}>
                        {t.beforeKb === null ? '–' : formatExactKb(t.beforeKb)}
                      </td>
                      <td className="num" title={t.afterKb === null ? '' : formatHumanKb(t.afterKb)} data-kb={t.afterKb ?? ''}>
                        {t.afterKb === null ? '–' : formatExactKb(t.afterKb)}
                      </td>
                      <td className="num">{t.deltaKb === null ? '–' : deltaCell(t.deltaKb)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="panel">
              <h3>By file (largest Rss change first)</h3>
              <table className="kind-summary" data-testid="compare-groups">
                <thead>
                  <tr>
                    <th>group</th>
                    <th className="num">maps</th>
                    <th className="num">Δ Size (kB)</th>
                    <th className="num">Δ Rss (kB)</th>
                    <th className="num">Δ Pss (kB)</th>
                  </tr>
                </thead>
                <tbody>
                  {diff.groups
                    .filter((g) => g.deltaKb.sizeKb !== 0 || g.deltaKb.rssKb !== 0 || g.deltaKb.pssKb !== 0 || g.beforeCount !== g.afterCount)
                    .slice(0, 15)
                    .map((g) => (
                      <tr key={g.group}>
                        <td className="ellipsis" title={g.group}>
                          {g.group}
                        </td>
                        <td className="num">
                          {g.beforeCount}→{g.afterCount}
                        </td>
                        <td className="num">{deltaCell(g.deltaKb.sizeKb)}</td>
                        <td className="num">{deltaCell(g.deltaKb.rssKb)}</td>
                        <td className="num">{deltaCell(g.deltaKb.pssKb)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </section>
          </div>
          <section className="panel">
            <div className="toolbar">
              <h3>Mappings</h3>
              {MAPPING_CHANGES.map((c) => (
                <label key={c} className="check">
                  <input
                    type="checkbox"
                    checked={changes.has(c)}
                    onChange={(e) => {
                      const next = new Set(changes);
                      if (e.target.checked) next.add(c);
                      else next.delete(c);
                      setChanges(next);
                    }}
                  />
                  <span className={`badge change-${c}`}>{c}</span> {diff.counts[c]}
                </label>
              ))}
            </div>
            <VirtualTable
              ariaLabel="mapping changes"
              testId="compare-mappings"
              rows={rows}
              columns={MAPPING_COLUMNS}
              rowKey={(d) => `${d.change}:${(d.before ?? d.after)?.start}:${(d.after ?? d.before)?.start}`}
              rowTestId={(d) => `diff-row-${describeRegionRange(d)[0]}`}
              emptyText="no mapping changed that way"
              style={{ height: Math.min(520, Math.max(120, (rows.length + 1) * 24 + 8)) }}
            />
          </section>
        </>
      )}
    </div>
  );
}
