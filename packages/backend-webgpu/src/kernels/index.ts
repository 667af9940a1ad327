import type { KernelTable } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import { convKernels } from './conv.js';
import { elementwiseKernels, materializeFused } from './elementwise.js';
import { layerNormKernel } from './layer_norm.js';
import { layoutKernels } from './layout.js';
import { matmulKernel } from './matmul.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';
import { resizeKernels } from './resize.js';

/** Every kernel of the op set on one runtime. */
export function webgpuKernels(rt: KernelRuntime): KernelTable {
  rt.materialize = (d) => materializeFused(rt, d);
  const table: KernelTable = {
    ...layoutKernels(rt),
    ...reduceKernels(rt),
    ...poolKernels(rt),
    ...resizeKernels(rt),
    ...convKernels(rt),
    MatMul: matmulKernel(rt),
    LayerNorm: layerNormKernel(rt),
  };
  // The element-wise table is typed by one representative kernel; every entry has no attributes.
  Object.assign(table, elementwiseKernels(rt));
  return table;
}
