import { axisToFront, inversePermutation } from '@msflow/core';
import type { TfContext, TfKernelTable } from './types.js';

/** Transpose, reshape, concat, slice, pad, gather and its adjoint scatter-add. */
export function layoutKernels({ tf }: TfContext): Pick<TfKernelTable, 'Transpose' | 'Reshape' | 'Concat' | 'Slice' | 'Pad' | 'Gather' | 'ScatterAdd'> {
  return {
    Transpose: ({ inputs: [x], attrs: { perm } }) => tf.transpose(x, perm),
    Reshape: ({ inputs: [x], attrs: { shape } }) => tf.reshape(x, shape),
    Concat: ({ inputs: xs, attrs: { axis } }) => {
      const parts = xs.filter((x) => x.size > 0);
      return parts.length === 1 ? tf.clone(parts[0]) : tf.concat(parts, axis);
    },
    Slice: ({ inputs: [x], attrs: { begin, size } }) => tf.slice(x, begin, size),
    Pad: ({ inputs: [x], attrs: { pads, value }, outShape }) => (x.size === 0 ? tf.fill(outShape as number[], value) : tf.pad(x, pads, value)),
    Gather: ({ inputs: [x], attrs: { axis, indices } }) => tf.gather(x, tf.tensor1d(indices, 'int32'), axis),
    // scatterND sums duplicate indices on every tfjs backend (wasm has no UnsortedSegmentSum).
    ScatterAdd: ({ inputs: [x], attrs: { axis, indices }, outShape }) => {
      if (indices.length === 0) return tf.zeros(outShape as number[]);
      const perm = axisToFront(x.rank, axis);
      const front = axis === 0 ? x : tf.transpose(x, perm);
      const frontOut = perm.map((p) => outShape[p]);
      const idx = tf.tensor2d(indices, [indices.length, 1], 'int32');
      const summed = tf.scatterND(idx, front, frontOut);
      return axis === 0 ? summed : tf.transpose(summed, inversePermutation(perm));
    },
  };
}
