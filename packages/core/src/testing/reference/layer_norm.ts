import { ensure, type RefArray } from './array.js';

/** Layer norm over the last axis: biased variance, epsilon inside the square root, then gamma/beta. */
export function refLayerNorm(x: RefArray, gamma: RefArray, beta: RefArray, epsilon: number): RefArray {
  ensure(x.shape.length >= 1, 'LayerNorm', 'input must have rank >= 1');
  const c = x.shape[x.shape.length - 1];
  ensure(gamma.data.length === c && beta.data.length === c, 'LayerNorm', `gamma and beta must have ${c} values`);
  const rows = c === 0 ? 0 : x.data.length / c;
  const y = new Float64Array(x.data.length);
  for (let r = 0; r < rows; r++) {
    const row = x.data.subarray(r * c, (r + 1) * c);
    let mean = 0;
    for (const v of row) mean += v;
    mean /= c;
    let variance = 0;
    for (const v of row) variance += (v - mean) ** 2;
    variance /= c;
    const inv = 1 / Math.sqrt(variance + epsilon);
    for (let j = 0; j < c; j++) y[r * c + j] = (row[j] - mean) * inv * gamma.data[j] + beta.data[j];
  }
  return { shape: [...x.shape], data: y };
}
