// The app shell (placeholder until the views land): proves the bridge works end to end.
import { useEffect, useState } from 'react';
import type { Tick } from '../shared/api.js';
import { getBridge } from './api/client.js';

/** Top-level component. */
export function App() {
  const [tick, setTick] = useState<Tick | null>(null);
  useEffect(() => getBridge().onTick(setTick), []);
  return <main data-testid="process-table">{tick === null ? 'waiting for the first tick…' : `${tick.rows.length} processes`}</main>;
}
