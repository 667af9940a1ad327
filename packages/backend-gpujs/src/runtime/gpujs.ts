// The slice of gpu.js this package uses, typed narrowly. gpu.js is CommonJS: a default import
// gives its `module.exports` in Node ESM and in bundlers alike (no Node-only createRequire).
import gpujs from 'gpu.js';

/** gpu.js modes this backend can run on (all of them synchronous; see `modes.ts` for webgpu). */
export type GpujsMode = 'headlessgl' | 'webgl2' | 'webgl' | 'webasm' | 'cpu';

/** A kernel output kept on the device (GL modes, `pipeline: true`). */
export interface GpuTexture {
  toArray(): unknown;
  delete(): void;
}

/** What a compiled kernel accepts per argument and returns. */
export type GpuValue = Float32Array | GpuTexture;

/** A compiled, callable gpu.js kernel. */
export interface GpuKernel {
  (...args: GpuValue[]): GpuValue;
  destroy(removeCanvasReferences?: boolean): void;
  /** The backend kernel object; `fallbackReason` says when gpu.js degraded it to cpu. */
  readonly kernel?: { readonly fallbackReason?: string | null; readonly constructor: { readonly mode?: string } };
}

/** Settings this package passes to `createKernel`. */
export interface GpuKernelSettings {
  output: [number];
  pipeline: boolean;
  immutable: boolean;
  precision: 'single';
  tactic: 'precision';
  loopMaxIterations: number;
}

/** A gpu.js `GPU` instance. */
export interface GpuInstance {
  readonly mode: string;
  createKernel(source: string, settings: GpuKernelSettings): GpuKernel;
  destroy(): Promise<void> | void;
}

interface GpuClass {
  new (settings: { mode: GpujsMode }): GpuInstance;
  readonly isHeadlessGLSupported: boolean;
  readonly isWebGL2Supported: boolean;
  readonly isWebGLSupported: boolean;
  readonly isWebGPUSupported: boolean;
  readonly isWebAssemblySupported: boolean;
}

/** gpu.js's `GPU` class. */
export const GPU = (gpujs as unknown as { GPU: GpuClass }).GPU;

/** Whether a kernel result is a device texture rather than a host array. */
export function isTexture(v: GpuValue): v is GpuTexture {
  return !(v instanceof Float32Array);
}
