import type { TfContext, TfKernelTable } from './types.js';

/** Layer norm over the last axis: biased variance, epsilon inside the square root, then gamma/beta. */
export function normKernels({ tf }: TfContext): Pick<TfKernelTable, 'LayerNorm'> {
  return {
    LayerNorm: ({ inputs: [x, gamma, beta], attrs: { epsilon } }) => {
      const axis = x.rank - 1;
      const xc = tf.sub(x, tf.mean(x, axis, true));
      const variance = tf.mean(tf.square(xc), axis, true);
      const inv = tf.rsqrt(tf.add(variance, epsilon));
      return tf.add(tf.mul(tf.mul(xc, inv), gamma), beta);
    },
  };
}
