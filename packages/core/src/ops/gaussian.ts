import { check } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from './creation.js';
import { gather } from './layout.js';
import { conv2d } from './nn.js';

/**
 * Normalised 1-D Gaussian weights over [−radius, radius], radius = round(truncate·σ), as SciPy's
 * `gaussian_filter` builds them (so maps smoothed here and by `@msflow/eval` agree).
 *
 * @example
 * ```ts
 * gaussianKernel(1).length; // 9: radius 4
 * ```
 */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  const radius = Math.round(truncate * sigma);
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** SciPy's `reflect` index (d c b a | a b c d | d c b a) of any integer position on an axis of n. */
export function scipyReflect(i: number, n: number): number {
  const period = 2 * n;
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - 1 - j;
  return j;
}

/** Indices of an axis of n padded by r on both sides with {@link scipyReflect}. */
function reflected(n: number, r: number): number[] {
  return Array.from({ length: n + 2 * r }, (_, i) => scipyReflect(i - r, n));
}

/**
 * Separable Gaussian blur of NHWC maps over height and width, each channel on its own, with
 * SciPy's `gaussian_filter` weights and `reflect` borders (edge repeated), so it equals
 * `gaussian_filter(x, (0, σ, σ, 0))`. Built from Gather and a depthwise Conv2D per axis, so every
 * backend runs it and a traced graph keeps it. σ ≤ 0 returns `x`.
 *
 * @example
 * ```ts
 * const smooth = gaussianFilter(maps, 4); // maps: [N, H, W, 1]
 * ```
 */
export function gaussianFilter(x: Tensor, sigma: number, truncate = 4): Tensor {
  if (!(sigma > 0)) return x;
  check(x.rank === 4, 'gaussianFilter', `expects NHWC maps, got rank ${x.rank}`);
  const k = Float32Array.from(gaussianKernel(sigma, truncate));
  const r = (k.length - 1) / 2;
  if (r === 0) return x;
  const c = x.shape[3];
  const weights = new Float32Array(k.length * c);
  for (let i = 0; i < k.length; i++) weights.fill(k[i], i * c, (i + 1) * c);
  const rows = conv2d(gather(x, reflected(x.shape[2], r), 2), tensor(weights, [1, k.length, 1, c]), { groups: c });
  return conv2d(gather(rows, reflected(x.shape[1], r), 1), tensor(weights, [k.length, 1, 1, c]), { groups: c });
}
