import { registerBackend } from '@msflow/core';
import { createOnnxEagerBackend, type OnnxBackendOptions } from './backend.js';

/** Registry name of the onnx backend. */
export const ONNX_BACKEND_NAME = 'onnx';

/**
 * Registers the eager onnx backend as `onnx` with core's registry. Its priority is low by
 * default (kernel-by-kernel execution is slow); trace hot paths with `compileOnnx` instead.
 *
 * @example
 * ```ts
 * registerOnnxBackend();
 * setBackend(await resolveBackend(['onnx']));
 * ```
 */
export function registerOnnxBackend(priority = 1, options: OnnxBackendOptions = {}): void {
  registerBackend({
    name: ONNX_BACKEND_NAME,
    priority,
    create: async () => {
      const backend = createOnnxEagerBackend({ ...options, name: ONNX_BACKEND_NAME });
      // Capability check: the native binding loads and runs a one-node graph.
      const probe = backend.write(Float32Array.of(-1, 1), [2]);
      const y = backend.kernels.Relu!({ inputs: [{ dataId: probe, shape: [2] }], attrs: {}, outShape: [2] });
      const v = await backend.read(y, [2]);
      backend.disposeData(probe);
      backend.disposeData(y);
      if (v[0] !== 0 || v[1] !== 1) throw new Error('onnxruntime-node returned wrong values for a Relu probe');
      return backend;
    },
  });
}
