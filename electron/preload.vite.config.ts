// Bundles electron/preload.ts (and the bits of shared/api.ts it uses) into one CommonJS file:
// a sandboxed preload can require only 'electron', not our ESM modules.
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    lib: { entry: 'electron/preload.ts', formats: ['cjs'], fileName: () => 'preload.cjs' },
    outDir: 'dist/electron-preload',
    emptyOutDir: true,
    minify: false,
    rollupOptions: { external: ['electron'] },
  },
});
