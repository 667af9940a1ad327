import type { BackendKernel, BackendKernels, KernelName } from '@msflow/core';
import type { TensorData } from '../runtime/tensor_data.js';

/** One kernel on WebGPU: core's one kernel signature on {@link TensorData} values. */
export type WebgpuKernel<K extends KernelName> = BackendKernel<K, TensorData>;

/** Every declared kernel; a missing entry is a compile error. */
export type WebgpuKernels = BackendKernels<TensorData>;
