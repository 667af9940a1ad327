import { joinKernels } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import type { TensorData } from '../runtime/tensor_data.js';
import { convKernels } from './conv.js';
import { elementwiseKernels, materializeFused } from './elementwise.js';
import { layerNormKernels } from './layer_norm.js';
import { layoutKernels } from './layout.js';
import { matmulKernels } from './matmul.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';
import { resizeKernels } from './resize.js';
import type { WebgpuKernels } from './types.js';

/** Every kernel of the op set on one runtime. */
export function webgpuKernels(rt: KernelRuntime): WebgpuKernels {
  rt.materialize = (d) => materializeFused(rt, d);
  const families = [elementwiseKernels, layoutKernels, reduceKernels, poolKernels, resizeKernels, convKernels, matmulKernels, layerNormKernels];
  return joinKernels<TensorData>('webgpu', ...families.map((family) => family(rt)));
}

export type { WebgpuKernel, WebgpuKernels } from './types.js';
