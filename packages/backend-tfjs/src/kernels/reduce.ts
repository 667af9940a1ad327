import type { ReduceKernel } from '@msflow/core';
import type { TfContext, TfKernelTable } from './types.js';

/** Sum, Mean and Max over sorted axes, and TopKMean over the last axis. */
export function reduceKernels({ tf }: TfContext): Pick<TfKernelTable, ReduceKernel | 'TopKMean'> {
  return {
    // No axes is the identity (tfjs would also reduce nothing, but say so explicitly).
    // Over empty axes (no elements) wasm returns garbage: the sum is 0 and the mean 0/0.
    Sum: ({ inputs: [x], attrs: { axes, keepDims }, outShape }) =>
      axes.length === 0 ? tf.clone(x) : x.size === 0 ? tf.zeros(outShape as number[]) : tf.sum(x, axes, keepDims),
    Mean: ({ inputs: [x], attrs: { axes, keepDims }, outShape }) =>
      axes.length === 0 ? tf.clone(x) : x.size === 0 ? tf.fill(outShape as number[], Number.NaN) : tf.mean(x, axes, keepDims),
    Max: ({ inputs: [x], attrs: { axes, keepDims } }) => (axes.length === 0 ? tf.clone(x) : tf.max(x, axes, keepDims)),
    TopKMean: ({ inputs: [x], attrs: { k } }) => tf.mean(tf.topk(x, k, false).values, -1),
  };
}
