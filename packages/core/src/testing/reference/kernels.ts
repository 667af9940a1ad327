import {
  BINARY_KERNELS,
  REDUCE_KERNELS,
  UNARY_KERNELS,
  type KernelAttrsMap,
  type KernelName,
} from '../../kernels/kernel_names.js';
import type { RefArray } from './array.js';
import { refConv2D, refConv2DBackpropFilter, refConv2DBackpropInput } from './conv.js';
import { refBinary, refUnary } from './elementwise.js';
import { refLayerNorm } from './layer_norm.js';
import { refConcat, refGather, refPad, refReshape, refScatterAdd, refSlice, refTranspose } from './layout.js';
import { refMatMul } from './matmul.js';
import { refAvgPool, refAvgPoolGrad, refMaxPool } from './pool.js';
import { refReduce } from './reduce.js';
import { refResizeBilinear, refResizeBilinearGrad } from './resize.js';
import { refTopKMean } from './topk.js';

/** A reference kernel: the present inputs in `KERNEL_INPUTS` order (Concat: all parts) and attributes. */
export type RefKernel<K extends KernelName> = (inputs: readonly RefArray[], attrs: KernelAttrsMap[K]) => RefArray;

type Family<L extends readonly KernelName[]> = { [K in L[number]]: RefKernel<K> };

const family = <L extends readonly KernelName[]>(names: L, make: (k: L[number]) => RefKernel<L[number]>): Family<L> =>
  Object.fromEntries(names.map((k) => [k, make(k)])) as unknown as Family<L>;

/**
 * The float64 reference of every declared kernel, keyed like a backend's kernel table (a
 * missing entry is a compile error).
 *
 * @example
 * ```ts
 * const y = REFERENCE_KERNELS.Conv2D([x, w], { strides: [1, 1], pads: [1, 1, 1, 1], groups: 1 });
 * ```
 */
export const REFERENCE_KERNELS: { readonly [K in KernelName]: RefKernel<K> } = {
  ...family(UNARY_KERNELS, (k) => ([x]) => refUnary(k, x)),
  ...family(BINARY_KERNELS, (k) => ([a, b]) => refBinary(k, a, b)),
  ...family(REDUCE_KERNELS, (k) => ([x], attrs) => refReduce(k, x, attrs)),
  MatMul: ([a, b], { transposeA, transposeB }) => refMatMul(a, b, transposeA, transposeB),
  Conv2D: ([x, f, bias], attrs) => refConv2D(x, f, bias, attrs),
  Conv2DBackpropInput: ([dy, f], attrs) => refConv2DBackpropInput(dy, f, attrs),
  Conv2DBackpropFilter: ([x, dy], attrs) => refConv2DBackpropFilter(x, dy, attrs),
  AvgPool: ([x], attrs) => refAvgPool(x, attrs),
  AvgPoolGrad: ([dy], attrs) => refAvgPoolGrad(dy, attrs),
  MaxPool: ([x], attrs) => refMaxPool(x, attrs),
  ResizeBilinear: ([x], { size, alignCorners }) => refResizeBilinear(x, size, alignCorners),
  ResizeBilinearGrad: ([dy], { inputSize, alignCorners }) => refResizeBilinearGrad(dy, inputSize, alignCorners),
  LayerNorm: ([x, gamma, beta], { epsilon }) => refLayerNorm(x, gamma, beta, epsilon),
  Transpose: ([x], { perm }) => refTranspose(x, perm),
  Reshape: ([x], { shape }) => refReshape(x, shape),
  Concat: (xs, { axis }) => refConcat(xs, axis),
  Slice: ([x], { begin, size }) => refSlice(x, begin, size),
  Pad: ([x], { pads, value }) => refPad(x, pads, value),
  Gather: ([x], { axis, indices }) => refGather(x, indices, axis),
  ScatterAdd: ([x], { axis, indices, size }) => refScatterAdd(x, indices, axis, size),
  TopKMean: ([x], { k }) => refTopKMean(x, k),
};

/** Runs the reference of `kernel` on float64 arrays. */
export function runReference<K extends KernelName>(kernel: K, inputs: readonly RefArray[], attrs: KernelAttrsMap[K]): RefArray {
  return (REFERENCE_KERNELS[kernel] as RefKernel<K>)(inputs, attrs);
}
