/// <reference types="@webgpu/types" />
import { WebgpuBackend, type WebgpuBackendOptions } from './backend.js';
import { openDevice } from './runtime/device.js';
import { nodeAdapter, type NodeAdapterOptions } from './runtime/node_gpu.js';

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

