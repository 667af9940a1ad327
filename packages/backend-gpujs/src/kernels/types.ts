import type { KernelAttrsMap, KernelName } from '@msflow/core';
import type { Runner } from '../gpu/runner.js';
import type { Storage } from '../gpu/storage.js';

/** What one kernel implementation receives. */
export interface GpuKernelArgs<K extends KernelName> {
  /** Input storages in `KERNEL_INPUTS` order. */
  readonly inputs: readonly Storage[];
  /** Their shapes (validated by core). */
  readonly shapes: readonly (readonly number[])[];
  readonly attrs: KernelAttrsMap[K];
  /** Output shape (computed and checked by core). */
  readonly outShape: readonly number[];
  /** Compiles and runs generated gpu.js kernels. */
  readonly runner: Runner;
}

/**
 * One core kernel on gpu.js: it generates kernel sources for the shapes and attributes at hand
 * and runs them through the runner (which caches the compiled kernels). May return a storage it
 * was given only after `retain()` (Reshape).
 */
export type GpuOp<K extends KernelName> = (args: GpuKernelArgs<K>) => Storage;

/** Every declared kernel; a missing entry is a compile error. */
export type GpuOpTable = { [K in KernelName]: GpuOp<K> };
