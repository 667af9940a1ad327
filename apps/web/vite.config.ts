// Builds the page into dist/: @msflow/* resolve to their TypeScript sources (as in the tests), and
// onnxruntime-web's WebAssembly file is emitted as a local asset, so the page needs no network.
import { defineConfig } from 'vite';
import { projectConfig } from '../../vitest.shared.js';

export default defineConfig({
  base: './',
  resolve: { alias: projectConfig().resolve?.alias },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048, reportCompressedSize: false },
  logLevel: 'warn',
});
