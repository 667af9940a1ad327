import { registerBackend } from '@msflow/core';
import { createGpujsBackend } from './backend.js';

/** Registry priority of `gpujs`: below tfjs (10) and onnx, so it is only used when asked for. */
export const GPUJS_PRIORITY = 1;

/**
 * Registers the `gpujs` backend with core's registry at a low priority: `resolveBackend()`
 * without hints never prefers it over tfjs or onnx; ask for it by name.
 *
 * @example
 * ```ts
 * import { resolveBackend, setBackend } from '@msflow/core';
 * import { registerGpujsBackend } from '@msflow/backend-gpujs';
 *
 * registerGpujsBackend();
 * setBackend(await resolveBackend(['gpujs']));
 * ```
 */
export function registerGpujsBackend(priority = GPUJS_PRIORITY): void {
  registerBackend({ name: 'gpujs', priority, create: () => createGpujsBackend({ name: 'gpujs' }) });
}
