// The app shell: title bar (host, connection state, snapshot controls), hash routing to the views,
// Escape to go back, window-wide drag-and-drop of snapshot files.
import { useEffect } from 'react';
import { Banner } from './components/banner.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { ImportSnapshotButton, WindowDropZone } from './components/import-snapshot.js';
import { useConnectionStatus } from './state/connection-store.js';
import { formatRoute, navigate, parentRoute, useRoute, type Route } from './state/router.js';
import { useSnapshots } from './state/snapshot-store.js';
import { useSource } from './state/source-store.js';
import { CompareView } from './views/compare-view.js';
import { MappingPage } from './views/mapping-page.js';
import { ProcessPage } from './views/process-page.js';
import { ProcessTable } from './views/process-table.js';
import { SnapshotPage } from './views/snapshot-page.js';

function renderRoute(route: Route) {
  switch (route.name) {
    case 'table':
      return <ProcessTable />;
    case 'process':
      return <ProcessPage pid={route.pid} />;
    case 'mapping':
      return <MappingPage pid={route.pid} start={route.start} />;
    case 'snapshot':
      return <SnapshotPage start={null} />;
    case 'snapshot-mapping':
      return <SnapshotPage start={route.start} />;
    case 'compare':
      return <CompareView />;
    case 'not-found':
      return (
        <div className="page">
          <Banner tone="warn" title={`No such page: ${route.hash}`}>
            <a href="#/">Back to the process table</a>
          </Banner>
        </div>
      );
  }
}

function ConnectionBadge() {
  const status = useConnectionStatus();
  const label = status === 'live' ? 'live' : status === 'connecting' ? 'connecting…' : 'disconnected, retrying…';
  return (
    <span className={`conn conn-${status}`} data-testid="connection-status" title="ticks from the memscope host">
      <i className="dot" />
      {label}
    </span>
  );
}

/** Top-level component. */
export function App() {
  const route = useRoute();
  const source = useSource();
  const status = useConnectionStatus();
  const { current } = useSnapshots();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const target = e.target as HTMLElement | null;
      if (target !== null && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')) return;
      const openMenu = document.querySelector('details.chooser[open]');
      if (openMenu !== null) {
        openMenu.removeAttribute('open');
        return;
      }
      if (route.name !== 'table') {
        e.preventDefault();
        navigate(parentRoute(route));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route]);

  const liveRoute = route.name === 'table' || route.name === 'process' || route.name === 'mapping';
  return (
    <div className="app">
      <nav className="topbar">
        <a className="brand" href="#/">
          memscope
        </a>
        <span className="host" data-testid="source-host" title={source === null ? '' : `${source.transport === 'http' ? 'browser mode' : 'desktop app'} · sampling every ${source.intervalMs} ms`}>
          {source?.hostname ?? '…'}
        </span>
        <a href="#/" className={route.name === 'table' ? 'on' : ''}>
          Processes
        </a>
        {route.name === 'process' || route.name === 'mapping' ? (
          <a href={`#/process/${route.pid}`} className={route.name === 'process' ? 'on' : ''}>
            pid {route.pid}
          </a>
        ) : null}
        {current !== null ? (
          <a href="#/snapshot" className={route.name === 'snapshot' || route.name === 'snapshot-mapping' ? 'on' : ''}>
            Snapshot
          </a>
        ) : null}
        <a href="#/compare" className={route.name === 'compare' ? 'on' : ''}>
          Compare
        </a>
        <span className="spacer" />
        <ImportSnapshotButton />
        <ConnectionBadge />
      </nav>
      {status === 'lost' && liveRoute ? (
        <Banner tone="error" title="Disconnected from the memscope host, retrying…" testId="disconnected">
          No tick for several seconds. The numbers below are the last ones received; they update again as soon as the connection is back (is <span className="mono">memscope serve</span> still
          running?).
        </Banner>
      ) : null}
      <main className="content">
        <ErrorBoundary key={formatRoute(route)}>{renderRoute(route)}</ErrorBoundary>
      </main>
      <WindowDropZone />
    </div>
  );
}
