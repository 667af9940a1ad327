import type { RefArray } from './reference/array.js';

/**
 * Central finite differences of a scalar function of several float64 arrays, with respect to
 * input `wrt`: (f(x + eps·e_i) - f(x - eps·e_i)) / 2eps for every element i. Evaluate `f` in
 * float64 (the reference kernels): then eps = 1e-5 leaves an error around 1e-9 relative, far
 * below any float32 tolerance. The inputs are restored before returning.
 *
 * @example
 * ```ts
 * const loss = ([x]: readonly RefArray[]) => refUnary('Tanh', x).data.reduce((s, v, i) => s + v * r[i], 0);
 * const g = numericGradient(loss, [x], 0);
 * ```
 */
export function numericGradient(
  f: (inputs: readonly RefArray[]) => number,
  inputs: readonly RefArray[],
  wrt: number,
  eps = 1e-5,
): Float64Array {
  const x = inputs[wrt].data;
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = v + eps;
    const up = f(inputs);
    x[i] = v - eps;
    const down = f(inputs);
    x[i] = v;
    grad[i] = (up - down) / (2 * eps);
  }
  return grad;
}

/** Σ y_i·r_i in float64: the scalar the gradient checks differentiate. */
export function weightedSum(y: ArrayLike<number>, r: ArrayLike<number>): number {
  if (y.length !== r.length) throw new Error(`weightedSum: ${y.length} values against ${r.length} weights`);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
}
