import type { KernelName } from '@msflow/core';
import { BINARY_LOWERINGS, UNARY_LOWERINGS } from './elementwise.js';
import { REDUCE_LOWERINGS, lowerTopKMean } from './reduce.js';
import { lowerConv2D, lowerConv2DBackpropFilter, lowerConv2DBackpropInput, lowerMatMul } from './conv.js';
import { lowerAvgPool, lowerAvgPoolGrad, lowerMaxPool } from './pool.js';
import { lowerResizeBilinear, lowerResizeBilinearGrad } from './resize.js';
import { lowerLayerNorm } from './norm.js';
import { lowerConcat, lowerGather, lowerPad, lowerReshape, lowerScatterAdd, lowerSlice, lowerTranspose } from './layout.js';
import type { Lowering } from './types.js';

/**
 * The ONNX lowering of every declared kernel (a missing entry is a compile error): each emits
 * opset-18 nodes computing the kernel on NHWC tensors.
 *
 * @example
 * ```ts
 * const g = new GraphBuilder();
 * const x = g.addInput('x', [1, 4, 4, 3]);
 * const y = LOWERINGS.Relu({ g, inputs: [x], shapes: [[1, 4, 4, 3]], attrs: {}, outShape: [1, 4, 4, 3] });
 * ```
 */
export const LOWERINGS: { readonly [K in KernelName]: Lowering<K> } = {
  ...UNARY_LOWERINGS,
  ...BINARY_LOWERINGS,
  ...REDUCE_LOWERINGS,
  MatMul: lowerMatMul,
  Conv2D: lowerConv2D,
  Conv2DBackpropInput: lowerConv2DBackpropInput,
  Conv2DBackpropFilter: lowerConv2DBackpropFilter,
  AvgPool: lowerAvgPool,
  AvgPoolGrad: lowerAvgPoolGrad,
  MaxPool: lowerMaxPool,
  ResizeBilinear: lowerResizeBilinear,
  ResizeBilinearGrad: lowerResizeBilinearGrad,
  LayerNorm: lowerLayerNorm,
  Transpose: lowerTranspose,
  Reshape: lowerReshape,
  Concat: lowerConcat,
  Slice: lowerSlice,
  Pad: lowerPad,
  Gather: lowerGather,
  ScatterAdd: lowerScatterAdd,
  TopKMean: lowerTopKMean,
};

export type { Lowering, LowerArgs } from './types.js';
