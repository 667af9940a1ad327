import { ensure, type RefArray } from './array.js';

/** [m, n] = op(a) · op(b), where op transposes when asked. */
export function refMatMul(a: RefArray, b: RefArray, transposeA = false, transposeB = false): RefArray {
  ensure(a.shape.length === 2 && b.shape.length === 2, 'MatMul', 'both inputs must have rank 2');
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = transposeB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  ensure(k === kb, 'MatMul', `inner dimensions differ (${k} vs ${kb})`);
  // Element (i, p) of op(a) is a.data[i·ai + p·ap]; (p, j) of op(b) is b.data[p·bp + j·bj].
  const [ai, ap] = transposeA ? [1, m] : [k, 1];
  const [bp, bj] = transposeB ? [1, k] : [n, 1];
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.data[i * ai + p * ap] * b.data[p * bp + j * bj];
      out[i * n + j] = s;
    }
  }
  return { shape: [m, n], data: out };
}
