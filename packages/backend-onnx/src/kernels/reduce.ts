import type { ReduceKernel } from '@msflow/core';
import type { Lowering } from './types.js';

const reduce = (opType: string): Lowering<ReduceKernel> => ({ g, inputs: [x], attrs: { axes, keepDims } }) => {
  // ONNX reduces every axis when given none; core's empty axis list reduces nothing.
  if (axes.length === 0) return g.op('Identity', [x]);
  return g.op(opType, [x, g.int64(axes)], { keepdims: keepDims ? 1 : 0 });
};

/** Sum, Mean and Max over a sorted axis list (opset 18: axes as an input). */
export const REDUCE_LOWERINGS: { [K in ReduceKernel]: Lowering<K> } = {
  Sum: reduce('ReduceSum'),
  Mean: reduce('ReduceMean'),
  Max: reduce('ReduceMax'),
};

/** Mean of the k largest values along the last axis: TopK, then ReduceMean. */
export const lowerTopKMean: Lowering<'TopKMean'> = ({ g, inputs: [x], attrs: { k } }) => {
  const [values] = g.node('TopK', [x, g.int64([k])], { axis: -1, largest: 1, sorted: 1 }, 2);
  return g.op('ReduceMean', [values, g.int64([-1])], { keepdims: 0 });
};
