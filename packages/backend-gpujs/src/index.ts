/**
 * `@msflow/backend-gpujs`: msflow's kernels as gpu.js kernels. Each kernel is generated
 * gpu.js source with the shapes and attributes baked in, compiled once and cached. It runs in
 * whichever gpu.js mode works: headless-gl or WebGL (tensors stay in textures between kernels),
 * WebAssembly (the mode Node picks without a GPU), or plain JavaScript; `info().detail` says
 * which. Registered at a low priority: it is a comparison point and a WebGL-only fallback, never
 * the default.
 *
 * @example
 * ```ts
 * import { resolveBackend, setBackend } from '@msflow/core';
 * import { registerGpujsBackend } from '@msflow/backend-gpujs';
 *
 * registerGpujsBackend();
 * const backend = await resolveBackend(['gpujs']);
 * setBackend(backend);
 * console.log(backend.info().detail);
 * ```
 *
 * @packageDocumentation
 */
export { createGpujsBackend, GpujsBackend, type GpujsBackendOptions } from './backend.js';
export { registerGpujsBackend, GPUJS_PRIORITY } from './register.js';
export { selectGpujsMode, AUTO_ORDER, MODE_LABELS, type ModeFailure, type SelectedMode } from './runtime/modes.js';
export type { GpujsMode, GpuInstance, GpuKernel, GpuKernelSettings, GpuTexture, GpuValue } from './runtime/gpujs.js';
export { Runner, type Operand } from './runtime/runner.js';
export { Storage, type SharedValues } from './runtime/storage.js';
export { KernelCache } from './runtime/cache.js';
export { gpujsOps, type GpuKernelArgs, type GpuOp, type GpuOpTable } from './kernels/index.js';
