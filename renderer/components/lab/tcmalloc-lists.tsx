// TCMalloc's free objects at one op, where they wait: the thread cache's per-class lists (served first, no lock)
// and the central free lists (objects left in spans, whole batches parked in the transfer cache).
import type { TcmallocListView } from '../../../shared/sim/lab/tcmalloc-lab.js';
import { formatBytes } from '../../../shared/units.js';
import { formatCount } from '../../format.js';

/** Props of TcmallocLists. */
export interface TcmallocListsProps {
  threadCache: readonly TcmallocListView[];
  threadCacheCount: number;
  central: readonly TcmallocListView[];
}

const MAX_ROWS = 12;

function ListTable({ rows, extraTitle, testId }: { rows: readonly TcmallocListView[]; extraTitle: string; testId: string }) {
  if (rows.length === 0) return <p className="muted">empty</p>;
  const shown = [...rows].sort((a, b) => b.objects * b.objectBytes - a.objects * a.objectBytes).slice(0, MAX_ROWS);
  return (
    <table className="kind-summary lists" data-testid={testId} data-row-count={rows.length}>
      <thead>
        <tr>
          <th>class</th>
          <th className="num">object</th>
          <th className="num">free objects</th>
          <th className="num">bytes</th>
          <th className="num">{extraTitle}</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((r) => (
          <tr key={r.sizeClass}>
            <td className="mono">{r.sizeClass}</td>
            <td className="num">{formatBytes(r.objectBytes)}</td>
            <td className="num">{formatCount(r.objects)}</td>
            <td className="num">{formatBytes(r.objects * r.objectBytes)}</td>
            <td className="num">{formatCount(r.extra)}</td>
          </tr>
        ))}
      </tbody>
      {rows.length > MAX_ROWS ? (
        <tfoot>
          <tr>
            <td colSpan={5} className="muted">
              … {rows.length - MAX_ROWS} more classes
            </td>
          </tr>
        </tfoot>
      ) : null}
    </table>
  );
}

/** The lists panel. */
export function TcmallocLists({ threadCache, threadCacheCount, central }: TcmallocListsProps) {
  return (
    <div className="tc-lists">
      <div>
        <h4 title="ThreadCache::FreeList per size class: malloc pops, free pushes; over max_length a batch goes to the central cache">
          thread cache <span className="muted">({threadCacheCount} in the process)</span>
        </h4>
        <ListTable rows={threadCache} extraTitle="max_length" testId="tc-thread-cache" />
      </div>
      <div>
        <h4 title="CentralFreeList per size class: free objects still in their spans, and batches parked in the transfer cache">central free lists</h4>
        <ListTable rows={central} extraTitle="in transfer cache" testId="tc-central" />
      </div>
    </div>
  );
}
