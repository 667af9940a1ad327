import { Rng, add, avgPool, conv2d, layerNorm, matmul, mean, relu, reshape, tensor, zeros, type Tensor } from '@msflow/core';

/** Largest |a - b| over two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Standard-normal float32 values. */
export const randn = (n: number, seed: number): Float32Array => Float32Array.from(new Rng(seed).normalArray(n));

/**
 * A small residual conv net over NHWC [n, 8, 8, 4] built from core ops, its parameters written
 * to the active backend: conv+bias+relu, conv+relu with a residual add, a 3x3/s2 average pool,
 * a 1x1 mixing matmul over reshaped pixels, layer norm; plus a per-image channel mean.
 */
export function smallNet(seed = 1): (x: Tensor) => { features: Tensor; pooled: Tensor } {
  const w1 = tensor(randn(3 * 3 * 4 * 8, seed), [3, 3, 4, 8]);
  const b1 = tensor(randn(8, seed + 1), [8]);
  const w2 = tensor(randn(3 * 3 * 8 * 8, seed + 2), [3, 3, 8, 8]);
  const mix = tensor(randn(64, seed + 3), [8, 8]);
  const gamma = tensor(randn(8, seed + 4), [8]);
  const beta = tensor(randn(8, seed + 5), [8]);
  return (x) => {
    const y = relu(conv2d(x, w1, { padding: 1, bias: b1 }));
    const z = add(relu(conv2d(y, w2, { padding: 1 })), y);
    const p = avgPool(z, 3, { stride: 2, padding: 1, countIncludePad: true });
    const [n, h, w, c] = p.shape;
    const mixed = reshape(matmul(reshape(p, [n * h * w, c]), mix), [n, h, w, c]);
    return { features: layerNorm(mixed, gamma, beta), pooled: add(mean(p, [1, 2]), zeros([n, c])) };
  };
}
