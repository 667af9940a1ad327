/**
 * `@msflow/backend-webgpu` (Node entry): the msflow op set as raw WGSL compute shaders, run
 * through Dawn (the `webgpu` package). Browsers use the `@msflow/backend-webgpu/browser` entry.
 *
 * @packageDocumentation
 */
/// <reference types="@webgpu/types" />
import { existsSync } from 'node:fs';
import { registerBackend } from '@msflow/core';
import { WebgpuBackend, type WebgpuBackendOptions } from './backend.js';
import { nodeAdapter, type NodeAdapterOptions } from './node_gpu.js';
import { openDevice } from './runtime/device.js';
import { WebgpuError } from './runtime/errors.js';

export { WebgpuBackend, type WebgpuBackendOptions, type WebgpuStats } from './backend.js';
export { WebgpuError, type WebgpuErrorKind } from './runtime/errors.js';
export { findSwiftShaderIcd, swiftShaderEnv, SWIFTSHADER_ICD_PATHS } from './swiftshader.js';
export type { KernelOptions } from './runtime/kernel_runtime.js';

/** Options of the Node {@link createWebgpuBackend}. */
export interface NodeWebgpuBackendOptions extends WebgpuBackendOptions, NodeAdapterOptions {}

/**
 * Starts the WebGPU backend in Node on Dawn. Without a GPU it falls back to SwiftShader when
 * Debian's `chromium` package is installed; when no adapter can be had it fails with a
 * `WebgpuError` of kind `no-adapter` that says why.
 *
 * @example
 * ```ts
 * import { setBackend } from '@msflow/core';
 * import { createWebgpuBackend } from '@msflow/backend-webgpu';
 *
 * const backend = await createWebgpuBackend();
 * console.log(backend.info().detail); // "WebGPU through Dawn (webgpu package) on google swiftshader (...), software"
 * setBackend(backend);
 * ```
 */
export async function createWebgpuBackend(options: NodeWebgpuBackendOptions = {}): Promise<WebgpuBackend> {
  const found = await nodeAdapter(options);
  const source = `Dawn (webgpu package)${found.note && found.adapter ? `; ${found.note}` : ''}`;
  const ctx = await openDevice(found.gpu, {
    adapter: found.adapter,
    allowSoftware: options.allowSoftware,
    source: 'Dawn (webgpu package)',
    noAdapterHint: found.note ? `(${found.note})` : undefined,
  });
  return new WebgpuBackend(ctx, source, options);
}

/** Linux device nodes a hardware WebGPU adapter needs (DRM render nodes or NVIDIA's driver). */
const GPU_DEVICE_NODES = ['/dev/dri', '/dev/nvidiactl'];

/**
 * Registers two backends with core's registry:
 * - `webgpu` at `priority` (default 20, above tfjs): a hardware adapter only. On Linux without a
 *   GPU device node it fails at once with the reason, without loading Dawn (whose Vulkan probing
 *   is slow and prints driver warnings), so `auto` resolution moves on to tfjs.
 * - `webgpu-software` at priority 0 (below every other backend): accepts a software adapter
 *   (SwiftShader from Debian's chromium package), for tests, CI and benchmarks on CPU-only
 *   machines. Ask for it by name.
 *
 * @example
 * ```ts
 * import { resolveBackend } from '@msflow/core';
 * import { registerWebgpuBackend } from '@msflow/backend-webgpu';
 *
 * registerWebgpuBackend();
 * const backend = await resolveBackend(['webgpu', 'tfjs']); // tfjs on a machine without a GPU
 * const software = await resolveBackend(['webgpu-software']); // SwiftShader, if installed
 * ```
 */
export function registerWebgpuBackend(priority = 20, options: NodeWebgpuBackendOptions = {}): void {
  const name = options.name ?? 'webgpu';
  registerBackend({
    name,
    priority,
    create: async () => {
      if (process.platform === 'linux' && !GPU_DEVICE_NODES.some((p) => existsSync(p))) {
        throw new WebgpuError('no-adapter', `no GPU device on this machine (none of ${GPU_DEVICE_NODES.join(', ')}); ${name}-software runs on a software adapter (SwiftShader)`);
      }
      return createWebgpuBackend({ ...options, name, allowSoftware: false });
    },
  });
  registerBackend({ name: `${name}-software`, priority: 0, create: () => createWebgpuBackend({ ...options, name: `${name}-software`, allowSoftware: true }) });
}
