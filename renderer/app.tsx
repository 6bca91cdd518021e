// The app shell: title bar (host picker, connection state, snapshot controls), hash routing to the views (the process
// table and process page in the first chunk, the others loaded on first use: chunks/lazy-views.ts), Escape to go
// back, window-wide drag-and-drop of snapshot files.
import { Suspense, useEffect } from 'react';
import { Banner } from './components/banner.js';
import { HostPicker, HostStatusBanner } from './components/host-picker.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { ImportSnapshotButton, WindowDropZone } from './components/import-snapshot.js';
import { formatRoute, navigate, parentRoute, useRoute, type Route } from './state/router.js';
import { useSnapshots } from './state/snapshot-store.js';
import { AllocatorLab, CacheLab, CompareView, HeapView, MappingPage, PageMapView, SnapshotPage, TranslateView, WhatIfView } from './chunks/lazy-views.js';
import { ProcessPage } from './views/process-page.js';
import { ProcessTable } from './views/process-table.js';

/** What a lazily loaded view shows while its chunk comes: a line, never a blank page. */
const VIEW_LOADING = (
  <div className="page">
    <p className="muted" data-testid="view-loading">
      loading…
    </p>
  </div>
);

function renderRoute(route: Route) {
  switch (route.name) {
    case 'table':
      return <ProcessTable />;
    case 'process':
      return <ProcessPage pid={route.pid} />;
    case 'mapping':
      return <MappingPage pid={route.pid} start={route.start} />;
    case 'heap':
      return <HeapView pid={route.pid} />;
    case 'snapshot':
      return <SnapshotPage start={null} />;
    case 'snapshot-mapping':
      return <SnapshotPage start={route.start} />;
    case 'compare':
      return <CompareView />;
    case 'translate':
      return <TranslateView pid={route.pid} address={route.address} />;
    case 'cache-lab':
      return <CacheLab />;
    case 'malloc-lab':
      return <AllocatorLab />;
    case 'page-map':
      return <PageMapView pid={route.pid} start={route.start} />;
    case 'what-if':
      return <WhatIfView pid={route.pid} start={route.start} />;
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

/** Top-level component. */
export function App() {
  const route = useRoute();
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

  const liveRoute =
    route.name === 'table' || route.name === 'process' || route.name === 'heap' || route.name === 'mapping' || route.name === 'translate' || route.name === 'page-map' || route.name === 'what-if';
  return (
    <div className="app">
      <nav className="topbar">
        <a className="brand" href="#/">
          memscope
        </a>
        <HostPicker />
        <a href="#/" className={route.name === 'table' ? 'on' : ''}>
          Processes
        </a>
        {route.name === 'process' || route.name === 'heap' || route.name === 'mapping' || route.name === 'translate' || route.name === 'page-map' || route.name === 'what-if' ? (
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
        <a href="#/lab/cache" className={route.name === 'cache-lab' ? 'on' : ''}>
          Cache lab
        </a>
        <a href="#/lab/malloc" className={route.name === 'malloc-lab' ? 'on' : ''} data-testid="nav-allocator-lab">
          Allocator lab
        </a>
        <span className="spacer" />
        <ImportSnapshotButton />
      </nav>
      {liveRoute ? <HostStatusBanner /> : null}
      <main className="content">
        <ErrorBoundary key={formatRoute(route)}>
          <Suspense fallback={VIEW_LOADING}>{renderRoute(route)}</Suspense>
        </ErrorBoundary>
      </main>
      <WindowDropZone />
    </div>
  );
}
