// Builds the page into dist/: @msflow/* resolve to their TypeScript sources (as in the tests),
// and onnxruntime-web's WebAssembly file and its loader are emitted as local assets, so the page
// needs no network. The `onnxruntime-web-use-extern-wasm` condition picks onnxruntime-web's build
// that loads that loader as a file of its own: its threads start from it, not from our bundle.
// The training worker is an ES module (it shares code with the page and loads onnxruntime-web).
import { defaultClientConditions, defineConfig } from 'vite';
import { projectConfig } from '../../vitest.shared.js';

export default defineConfig({
  base: './',
  resolve: { alias: projectConfig().resolve?.alias, conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096, reportCompressedSize: false },
  logLevel: 'warn',
});
