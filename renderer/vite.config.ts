// Builds the renderer into dist/renderer: served by `memscope serve` and loaded by Electron from disk.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'renderer',
  base: './', // relative asset URLs: works from file:// (Electron) and http:// (browser mode)
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1500 },
  esbuild: { jsx: 'automatic' },
});
