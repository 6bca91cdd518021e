// Builds the renderer into dist/renderer: served by `memscope serve` and loaded by Electron from disk. Every dynamic
// import is a chunk of its own (renderer/chunks/lazy-views.ts, the charts' *-lazy.tsx): a first load evaluates only
// what the process table and a process page need (issue 13).
import { defineConfig } from 'vite';

/**
 * recharts and the libraries only it uses (its store, scales, numbers): one chunk, "recharts-HASH.js". A group takes
 * its modules' dependencies too, React among them: React is a group of its own taken first, else the first chunk
 * would import React from the recharts chunk and load all of recharts with it.
 */
const CHUNK_GROUPS = [
  { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 2 },
  { name: 'recharts', test: /[\\/]node_modules[\\/]recharts[\\/]/, priority: 1 },
];

export default defineConfig({
  root: 'renderer',
  base: './', // relative asset URLs: works from file:// (Electron) and http:// (browser mode)
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: { output: { codeSplitting: { groups: CHUNK_GROUPS } } },
  },
  esbuild: { jsx: 'automatic' },
});
