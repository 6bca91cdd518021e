// Tells the host what this tab's process table shows (setTableView): its columns, so the sampler reads only
// their files from the next tick on, and the pids on screen, for smaps_rollup. Renewed every VIEW_RENEW_MS:
// the host forgets a tab that stops renewing (closed), so it stops costing.
import { useEffect } from 'react';
import { VIEW_RENEW_MS, type ColumnId } from '../../shared/proc/columns.js';
import { getBridge } from '../api/client.js';

/** Scrolling settles before the pids on screen are sent: one call per pause, not per frame. */
const SETTLE_MS = 150;

/** This tab's id for its table view: random, for the page's lifetime. */
const CLIENT_ID = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

/** Keeps the host's copy of this tab's table view equal to columns and rollupPids while mounted. */
export function useTableView(columns: readonly ColumnId[], rollupPids: readonly number[]): void {
  const key = `${columns.join(',')}|${rollupPids.join(',')}`;
  useEffect(() => {
    const [columnText = '', pidText = ''] = key.split('|');
    const view = { columns: columnText.split(',') as ColumnId[], rollupPids: pidText === '' ? [] : pidText.split(',').map(Number) };
    // A host that does not know setTableView (an older remote memscope) samples every column anyway.
    const send = () => void getBridge().setTableView(CLIENT_ID, view).catch(() => undefined);
    const settle = setTimeout(send, SETTLE_MS);
    const renew = setInterval(send, VIEW_RENEW_MS);
    return () => {
      clearTimeout(settle);
      clearInterval(renew);
    };
  }, [key]);
}
