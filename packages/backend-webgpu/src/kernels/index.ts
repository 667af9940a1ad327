import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import { convKernels } from './conv.js';
import { elementwiseKernels, materializeFused } from './elementwise.js';
import { layerNormKernel } from './layer_norm.js';
import { layoutKernels } from './layout.js';
import { matmulKernel } from './matmul.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';
import { resizeKernels } from './resize.js';
import type { WebgpuKernels } from './types.js';

/** Every kernel of the op set on one runtime. */
export function webgpuKernels(rt: KernelRuntime): WebgpuKernels {
  rt.materialize = (d) => materializeFused(rt, d);
  return {
    ...elementwiseKernels(rt),
    ...layoutKernels(rt),
    ...reduceKernels(rt),
    ...poolKernels(rt),
    ...resizeKernels(rt),
    ...convKernels(rt),
    MatMul: matmulKernel(rt),
    LayerNorm: layerNormKernel(rt),
  };
}

export type { WebgpuKernel, WebgpuKernels } from './types.js';
