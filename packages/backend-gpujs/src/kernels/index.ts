import { BINARY_KERNELS, REDUCE_KERNELS, UNARY_KERNELS, kernelFamily } from '@msflow/core';
import { conv2D, conv2DBackpropFilter, conv2DBackpropInput } from './conv.js';
import { binary, unary } from './elementwise.js';
import { concat, gather, pad, reshape, scatterAdd, slice, transpose } from './layout.js';
import { matMul } from './matmul.js';
import { layerNorm } from './norm.js';
import { avgPool, avgPoolGrad, maxPool } from './pool.js';
import { reduce } from './reduce.js';
import { resizeBilinear, resizeBilinearGrad } from './resize.js';
import { topKMean } from './topk.js';
import type { GpuOpTable } from './types.js';

export type { GpuKernelArgs, GpuOp, GpuOpTable } from './types.js';

/**
 * Every declared kernel as generated gpu.js kernels (see {@link GpujsBackend} for the wrapper
 * that turns them into a core kernel table).
 *
 * @example
 * ```ts
 * const ops = gpujsOps();
 * const y = ops.Relu({ inputs: [x], shapes: [[3]], attrs: {}, outShape: [3], runner }); // x: a Storage
 * ```
 */
export function gpujsOps(): GpuOpTable {
  return {
    ...kernelFamily(UNARY_KERNELS, unary),
    ...kernelFamily(BINARY_KERNELS, binary),
    ...kernelFamily(REDUCE_KERNELS, reduce),
    MatMul: matMul,
    Conv2D: conv2D,
    Conv2DBackpropInput: conv2DBackpropInput,
    Conv2DBackpropFilter: conv2DBackpropFilter,
    AvgPool: avgPool,
    AvgPoolGrad: avgPoolGrad,
    MaxPool: maxPool,
    ResizeBilinear: resizeBilinear,
    ResizeBilinearGrad: resizeBilinearGrad,
    LayerNorm: layerNorm,
    Transpose: transpose,
    Reshape: reshape,
    Concat: concat,
    Slice: slice,
    Pad: pad,
    Gather: gather,
    ScatterAdd: scatterAdd,
    TopKMean: topKMean,
  };
}
