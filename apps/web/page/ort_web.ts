import * as ort from 'onnxruntime-web/wasm';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

// onnxruntime-web's WebAssembly build and its loader are bundled with the page as local assets
// (no CDN). The loader is a file of its own, so the threads onnxruntime starts load it and not
// the page's code.
ort.env.wasm.wasmPaths = { mjs: mjsUrl, wasm: wasmUrl };

/**
 * Threads onnxruntime-web may use here: several only when the page is cross-origin isolated
 * (SharedArrayBuffer; `msflow serve` sends COOP/COEP), at most 4.
 */
export function wasmThreads(): { threads: number; why: string } {
  if (!globalThis.crossOriginIsolated) return { threads: 1, why: 'the page is not cross-origin isolated (msflow serve sends the COOP/COEP headers that allow threads)' };
  const threads = Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 1));
  return { threads, why: 'cross-origin isolated' };
}

export { ort };
