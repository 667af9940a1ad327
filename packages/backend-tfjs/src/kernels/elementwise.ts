import type { BinaryKernel, UnaryKernel } from '@msflow/core';
import type { TfContext, TfKernelTable, TfTensor } from './types.js';

/** Unary and binary element-wise kernels (binary ones broadcast like NumPy, as tfjs does). */
export function elementwiseKernels({ tf }: TfContext): Pick<TfKernelTable, UnaryKernel | BinaryKernel> {
  const unary =
    (fn: (x: TfTensor) => TfTensor) =>
    ({ inputs: [x] }: { inputs: readonly TfTensor[] }) =>
      fn(x);
  const binary =
    (fn: (a: TfTensor, b: TfTensor) => TfTensor) =>
    ({ inputs: [a, b] }: { inputs: readonly TfTensor[] }) =>
      fn(a, b);
  return {
    Exp: unary((x) => tf.exp(x)),
    Log: unary((x) => tf.log(x)),
    Tanh: unary((x) => tf.tanh(x)),
    Atan: unary((x) => tf.atan(x)),
    Sigmoid: unary((x) => tf.sigmoid(x)),
    // max(x, 0) + log1p(exp(-|x|)), with log1p(t) = log(u)·t/(u-1), u = 1+t (Kahan): relative
    // accuracy for very negative x too. tf.softplus and wasm's log1p compute log(1+t) in float32.
    Softplus: unary((x) => {
      const t = tf.exp(tf.neg(tf.abs(x)));
      const u = tf.add(t, 1);
      const log1p = tf.where(tf.equal(u, 1), t, tf.div(tf.mul(tf.log(u), t), tf.sub(u, 1)));
      return tf.add(tf.relu(x), log1p);
    }),
    Relu: unary((x) => tf.relu(x)),
    Relu6: unary((x) => tf.relu6(x)),
    Sqrt: unary((x) => tf.sqrt(x)),
    Square: unary((x) => tf.square(x)),
    Neg: unary((x) => tf.neg(x)),
    Abs: unary((x) => tf.abs(x)),
    // tf.step maps NaN to NaN; the declared kernel is "1 where x > 0, else 0".
    Step: unary((x) => tf.cast(tf.greater(x, 0), 'float32')),
    // wasm's Sign maps |x| below ~1e-7 to 0; compare instead.
    Sign: unary((x) => tf.sub(tf.cast(tf.greater(x, 0), 'float32'), tf.cast(tf.less(x, 0), 'float32'))),
    Add: binary((a, b) => tf.add(a, b)),
    Sub: binary((a, b) => tf.sub(a, b)),
    Mul: binary((a, b) => tf.mul(a, b)),
    Div: binary((a, b) => tf.div(a, b)),
    Maximum: binary((a, b) => tf.maximum(a, b)),
    Minimum: binary((a, b) => tf.minimum(a, b)),
  };
}
