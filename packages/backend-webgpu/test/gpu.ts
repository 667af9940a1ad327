// Shared test helpers: whether a WebGPU adapter exists here (tests skip with the printed reason
// when not), and running one kernel straight on a backend.
import { KERNEL_SPECS, type KernelAttrsMap, type KernelName } from '@msflow/core';
import type { RefArray } from '@msflow/core/testing';
import { createWebgpuBackend, WebgpuError, type NodeWebgpuBackendOptions, type WebgpuBackend } from '../src/index.js';

/** MSFLOW_WEBGPU_HARDWARE=1 (apps/bench/scripts/gpu-check.sh): a hardware adapter or nothing. */
const HARDWARE = process.env.MSFLOW_WEBGPU_HARDWARE === '1';

/** How the tests start the backend: any adapter, or with MSFLOW_WEBGPU_HARDWARE=1 only a hardware one. */
export const ADAPTER_OPTIONS: NodeWebgpuBackendOptions = HARDWARE ? { allowSoftware: false, swiftShaderFallback: false } : {};

let probe: Promise<string | null> | null = null;

/**
 * Null when an adapter is available, else why not (printed once). Only a missing adapter skips:
 * any other failure to start is a bug and makes the tests fail. With MSFLOW_REQUIRE_WEBGPU=1
 * (CI) or MSFLOW_WEBGPU_HARDWARE=1, a missing adapter fails too.
 */
export function gpuUnavailable(): Promise<string | null> {
  probe ??= createWebgpuBackend(ADAPTER_OPTIONS).then(
    (b) => {
      console.log(`[webgpu tests] ${b.info().detail}`);
      b.dispose();
      return null;
    },
    (err: unknown) => {
      if (!(err instanceof WebgpuError) || err.kind !== 'no-adapter' || HARDWARE || process.env.MSFLOW_REQUIRE_WEBGPU === '1') throw err;
      console.warn(`[webgpu tests] skipped: ${err.message}`);
      return err.message;
    },
  );
  return probe;
}

/** Runs kernel `k` on `be` with float64 reference inputs; returns the output values and shape. */
export async function runOn<K extends KernelName>(be: WebgpuBackend, k: K, inputs: readonly RefArray[], attrs: KernelAttrsMap[K]): Promise<{ data: Float32Array; shape: number[] }> {
  const infos = inputs.map((a) => ({ dataId: be.write(Float32Array.from(a.data), a.shape), shape: a.shape }));
  const outShape = KERNEL_SPECS[k](inputs.map((a) => a.shape), attrs);
  const id = be.kernels[k]!({ inputs: infos, attrs, outShape });
  try {
    return { data: (await be.read(id, outShape)) as Float32Array, shape: outShape };
  } finally {
    be.disposeData(id);
    for (const i of infos) be.disposeData(i.dataId);
  }
}
