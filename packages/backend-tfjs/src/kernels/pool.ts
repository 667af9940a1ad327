import type { PoolAttrs } from '@msflow/core';
import { as4d, dims, hasPadding, nhwcPads, type TfContext, type TfKernelTable, type TfTensor } from './types.js';

/**
 * Average and max pooling. Padding is always applied explicitly (zeros for the average, -inf for
 * the max) and tfjs pools with `valid` windows, so the semantics are PyTorch's on every tfjs
 * backend: with `countIncludePad` the divisor is kh*kw, without it the number of real cells.
 */
export function poolKernels(ctx: TfContext): Pick<TfKernelTable, 'AvgPool' | 'AvgPoolGrad' | 'MaxPool'> {
  const { tf } = ctx;

  /** Fraction of real (unpadded) cells in each window: [1, oh, ow, 1]. */
  const realFraction = (h: number, w: number, a: PoolAttrs): TfTensor =>
    tf.avgPool(as4d(tf.pad(tf.ones([1, h, w, 1]), nhwcPads(a.pads))), a.kernel, a.strides, 'valid');

  return {
    AvgPool: ({ inputs: [x], attrs: a }) => {
      const padded = hasPadding(a.pads) ? tf.pad(x, nhwcPads(a.pads)) : x;
      const y = tf.avgPool(as4d(padded), a.kernel, a.strides, 'valid');
      if (a.countIncludePad || !hasPadding(a.pads)) return y;
      return tf.div(y, realFraction(dims(x)[1], dims(x)[2], a));
    },
    AvgPoolGrad: ({ inputs: [dy], attrs: a }) => {
      const [n, h, w, c] = a.inputShape;
      const [t, b, l, r] = a.pads;
      const g = a.countIncludePad || !hasPadding(a.pads) ? dy : tf.div(dy, realFraction(h, w, a));
      // tfjs's AvgPoolGrad reads only the shape of `input`.
      const input = tf.zeros([n, h + t + b, w + l + r, c]);
      const dxPadded = tf.engine().runKernel('AvgPoolGrad', { dy: g, input }, { filterSize: a.kernel, strides: a.strides, pad: 'valid' }) as TfTensor;
      return hasPadding(a.pads) ? tf.slice(dxPadded, [0, t, l, 0], [n, h, w, c]) : dxPadded;
    },
    MaxPool: ({ inputs: [x], attrs: a }) => {
      const padded = hasPadding(a.pads) ? tf.pad(x, nhwcPads(a.pads), -Infinity) : x;
      return tf.maxPool(as4d(padded), a.kernel, a.strides, 'valid');
    },
  };
}
