import { sizeOf } from '../../tensor/shape.js';
import { ensure, type RefArray } from './array.js';

/** Mean of the k largest values along the last axis. */
export function refTopKMean(x: RefArray, k: number): RefArray {
  ensure(x.shape.length >= 1, 'TopKMean', 'input must have rank >= 1');
  const n = x.shape[x.shape.length - 1];
  ensure(Number.isInteger(k) && k >= 1 && k <= n, 'TopKMean', `k must be in [1, ${n}], got ${k}`);
  const rows = sizeOf(x.shape) / n;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(x.data.subarray(r * n, (r + 1) * n)).sort((p, q) => q - p);
    let s = 0;
    for (let i = 0; i < k; i++) s += row[i];
    out[r] = s / k;
  }
  return { shape: x.shape.slice(0, -1), data: out };
}
