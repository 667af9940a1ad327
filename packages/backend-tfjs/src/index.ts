/**
 * `@msflow/backend-tfjs`: msflow's kernels on TensorFlow.js. At start it picks tfjs-node-gpu
 * (when a CUDA device works), tfjs-node, the WebAssembly backend or the pure-JS cpu backend,
 * and `info().detail` says which one and why the others were not used. tfjs-node and
 * tfjs-node-gpu are optional peer dependencies, found at run time.
 *
 * @example
 * ```ts
 * import { resolveBackend, setBackend } from '@msflow/core';
 * import { registerTfjsBackend } from '@msflow/backend-tfjs';
 *
 * registerTfjsBackend();
 * const backend = await resolveBackend(['tfjs']);
 * setBackend(backend);
 * console.log(backend.info().detail);
 * ```
 *
 * @packageDocumentation
 */
export { createTfjsBackend, TfjsBackend, type TfjsBackendOptions } from './backend.js';
export { registerTfjsBackend, TFJS_BACKEND_NAMES } from './register.js';
export {
  selectTfjsRuntime,
  wasmBinaryDir,
  DEFAULT_PREFERENCE,
  type TfjsFlavor,
  type TfjsRuntime,
  type RuntimeFailure,
  type SelectOptions,
} from './runtime/select.js';
export { tfKernels, type TF, type TfContext, type TfKernel, type TfKernelTable, type TfTensor } from './kernels/index.js';
