import type { BackendKernel, BackendKernels, KernelCall, KernelName } from '@msflow/core';
import type { Runner } from '../runtime/runner.js';
import type { Storage } from '../runtime/storage.js';

/** What one gpu.js kernel receives: core's kernel call on storages, plus the runner. */
export type GpuKernelArgs<K extends KernelName> = KernelCall<K, Storage, { readonly runner: Runner }>;

/**
 * One core kernel on gpu.js (core's one kernel signature, with the runner): it generates kernel
 * sources for the shapes and attributes at hand and runs them through the runner (which caches
 * the compiled kernels). A reshape returns a new view of its input's storage.
 */
export type GpuOp<K extends KernelName> = BackendKernel<K, Storage, { readonly runner: Runner }>;

/** Every declared kernel; a missing entry is a compile error. */
export type GpuOpTable = BackendKernels<Storage, { readonly runner: Runner }>;
