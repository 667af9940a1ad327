/**
 * `@msflow/backend-webgpu/browser`: the same WGSL backend on the browser's `navigator.gpu`.
 * It imports nothing from Node, so bundlers can take it as is.
 *
 * @packageDocumentation
 */
/// <reference types="@webgpu/types" />
import { registerBackend } from '@msflow/core';
import { WebgpuBackend, type WebgpuBackendOptions } from './backend.js';
import { openDevice } from './runtime/device.js';

export { WebgpuBackend, type WebgpuBackendOptions, type WebgpuStats } from './backend.js';
export { WebgpuError, type WebgpuErrorKind } from './runtime/errors.js';
export type { KernelOptions } from './runtime/kernel_runtime.js';

/** The page's `navigator.gpu`, if the browser has WebGPU. */
function navigatorGpu(): GPU | undefined {
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
}

/**
 * Starts the WebGPU backend on `navigator.gpu`. Fails with a `WebgpuError` of kind
 * `no-adapter` when the browser has no WebGPU or no adapter.
 *
 * @example
 * ```ts
 * import { setBackend } from '@msflow/core';
 * import { createWebgpuBackend } from '@msflow/backend-webgpu/browser';
 *
 * const backend = await createWebgpuBackend({ powerPreference: 'high-performance' });
 * setBackend(backend);
 * ```
 */
export async function createWebgpuBackend(options: WebgpuBackendOptions = {}): Promise<WebgpuBackend> {
  const ctx = await openDevice(navigatorGpu(), {
    source: 'navigator.gpu',
    powerPreference: options.powerPreference,
    allowSoftware: options.allowSoftware,
    noAdapterHint: '(this browser has no WebGPU, or it is disabled)',
  });
  return new WebgpuBackend(ctx, 'navigator.gpu', options);
}

/**
 * Registers `webgpu` (on `navigator.gpu`) with core's backend registry at `priority`.
 *
 * @example
 * ```ts
 * import { resolveBackend } from '@msflow/core';
 * import { registerWebgpuBackend } from '@msflow/backend-webgpu/browser';
 *
 * registerWebgpuBackend();
 * const backend = await resolveBackend(['webgpu', 'tfjs']);
 * ```
 */
export function registerWebgpuBackend(priority = 20, options: WebgpuBackendOptions = {}): void {
  registerBackend({ name: options.name ?? 'webgpu', priority, create: () => createWebgpuBackend(options) });
}
