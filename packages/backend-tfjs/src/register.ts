import { registerBackend } from '@msflow/core';
import { createTfjsBackend } from './backend.js';
import type { TfjsFlavor } from './runtime/select.js';

/** Registry names this package registers and the tfjs runtimes each one tries. */
export const TFJS_BACKEND_NAMES: Readonly<Record<string, readonly TfjsFlavor[]>> = {
  /** The best runtime available: tfjs-node-gpu, tfjs-node, wasm, cpu. */
  tfjs: ['tensorflow', 'wasm', 'cpu'],
  /** Native TensorFlow only: tfjs-node-gpu with CUDA, else tfjs-node. */
  'tfjs-node': ['tensorflow'],
  /** tfjs-node-gpu with a working CUDA device, nothing else. */
  'tfjs-node-gpu': ['tensorflow-gpu'],
  /** The WebAssembly backend only. */
  'tfjs-wasm': ['wasm'],
  /** The pure-JavaScript backend only. */
  'tfjs-cpu': ['cpu'],
};

/**
 * Registers the tfjs backends with core's registry: `tfjs` at `priority`, and the variants that
 * force one runtime (`tfjs-node`, `tfjs-node-gpu`, `tfjs-wasm`, `tfjs-cpu`) just below it, so
 * `resolveBackend()` with no hints picks `tfjs`.
 *
 * @example
 * ```ts
 * import { resolveBackend, setBackend } from '@msflow/core';
 * import { registerTfjsBackend } from '@msflow/backend-tfjs';
 *
 * registerTfjsBackend();
 * setBackend(await resolveBackend(['tfjs-node-gpu', 'tfjs']));
 * ```
 */
export function registerTfjsBackend(priority = 10): void {
  for (const [name, prefer] of Object.entries(TFJS_BACKEND_NAMES)) {
    registerBackend({
      name,
      priority: name === 'tfjs' ? priority : priority - 1,
      create: () => createTfjsBackend({ prefer: [...prefer], name }),
    });
  }
}
