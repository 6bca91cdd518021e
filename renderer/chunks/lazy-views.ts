// The views a first load does not need, each its own chunk (vite splits at every dynamic import): a straight load of
// the process table or of a process page evaluates none of their code (issue 13: evaluating one bundle of every view,
// the labs and recharts was a long task of 45-85 ms). App renders them in a Suspense boundary (a "loading" line while
// the chunk comes) inside its ErrorBoundary (a ChunkLoadError when it cannot).
import { lazyChunk } from './chunk-load-error.js';

export const AllocatorLab = lazyChunk('the allocator lab', () => import('../views/allocator-lab.js').then((m) => m.AllocatorLab));
export const CacheLab = lazyChunk('the cache lab', () => import('../views/cache-lab.js').then((m) => m.CacheLab));
export const CompareView = lazyChunk('the compare view', () => import('../views/compare-view.js').then((m) => m.CompareView));
export const HeapView = lazyChunk('the heap view', () => import('../views/heap-view.js').then((m) => m.HeapView));
export const MappingPage = lazyChunk('the mapping page', () => import('../views/mapping-page.js').then((m) => m.MappingPage));
export const PageMapView = lazyChunk('the page map', () => import('../views/page-map-view.js').then((m) => m.PageMapView));
export const SnapshotPage = lazyChunk('the snapshot page', () => import('../views/snapshot-page.js').then((m) => m.SnapshotPage));
export const TranslateView = lazyChunk('the address translation', () => import('../views/translate-view.js').then((m) => m.TranslateView));
export const WhatIfView = lazyChunk('the what-if view', () => import('../views/what-if.js').then((m) => m.WhatIfView));
