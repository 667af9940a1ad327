import { add, exp, mul, neg, square, sub } from '../../ops/elementwise.js';
import { reshape } from '../../ops/layout.js';
import { resizeBilinear, topKMean } from '../../ops/nn.js';
import { max, mean } from '../../ops/reduce.js';
import type { Tensor } from '../../tensor/tensor.js';

/** Per-image maximum over all pixels, broadcastable against the map. */
const imageMax = (x: Tensor): Tensor => max(x, [1, 2, 3], true);

/** Bilinear up-sampling with align_corners, as every MSFlow map uses. */
const up = (x: Tensor, size: readonly [number, number]): Tensor => resizeBilinear(x, size, true);

/**
 * Per-pixel log-likelihood of one scale's latent (spec §6): −½ · mean over channels of z², as
 * [N, h, w, 1]. The log-det is not included: it is not pixel-separable.
 *
 * @example
 * ```ts
 * const logp = z.map(logpMap); // one [N, h, w, 1] map per scale
 * ```
 */
export function logpMap(z: Tensor): Tensor {
  return mul(mean(square(z), -1, true), -0.5);
}

/** M = Σ_l Up(logp_l), [N, H, W, 1]: the log of the product of the per-scale likelihoods. */
export const fusedLogp = (logp: readonly Tensor[], size: readonly [number, number]): Tensor => logp.map((l) => up(l, size)).reduce((p, q) => add(p, q));

/** The multiplicative map of a fused log-likelihood M (see {@link multiplicativeMap}). */
export function multiplicativeOfFused(m: Tensor): Tensor {
  const p = exp(sub(m, imageMax(m)));
  return sub(imageMax(p), p);
}

/**
 * The multiplicative anomaly map (spec §6a), [N, H, W, 1]: M = Σ_l Up(logp_l),
 * P = exp(M − max M), A = max P − P. Used for the paper's image score and for PRO.
 *
 * @example
 * ```ts
 * const mul = multiplicativeMap(z.map(logpMap), [512, 512]);
 * ```
 */
export function multiplicativeMap(logp: readonly Tensor[], size: readonly [number, number]): Tensor {
  return multiplicativeOfFused(fusedLogp(logp, size));
}

/**
 * The negative fused log-likelihood map, [N, H, W, 1]: −M = −Σ_l Up(logp_l), the sum over scales
 * of each pixel's negative log-likelihood per dimension. It is M before any exp and before any
 * per-image maximum: it does not saturate in float32 (the multiplicative map is 1 − exp(M − max M),
 * which rounds to exactly 1 once a pixel is ~17 nats below its image's best), and one value means
 * the same everywhere, so a colour scale and a pixel threshold fixed once hold for every image.
 * The user-facing map and (through {@link imageScore}) the user-facing image score.
 *
 * @example
 * ```ts
 * const nll = nllMap(z.map(logpMap), [512, 512]);
 * const scores = imageScore(nll, 0.03); // top-k mean: grows with every pixel's NLL, never saturates
 * ```
 */
export function nllMap(logp: readonly Tensor[], size: readonly [number, number]): Tensor {
  return neg(fusedLogp(logp, size));
}

/**
 * The additive anomaly map (spec §6b), [N, H, W, 1]: p_l = exp(logp_l − max logp_l) at each
 * scale's own resolution, S = Σ_l Up(p_l), A = max S − S (values in [0, L)). Used for pixel AUROC.
 *
 * @example
 * ```ts
 * const add = additiveMap(z.map(logpMap), [512, 512]);
 * ```
 */
export function additiveMap(logp: readonly Tensor[], size: readonly [number, number]): Tensor {
  const s = logp.map((l) => up(exp(sub(l, imageMax(l))), size)).reduce((p, q) => add(p, q));
  return sub(imageMax(s), s);
}

/**
 * k = ⌊H·W·topK⌋ (Python's int(), 7864 at 512² with 3 %), at least 1.
 *
 * @example
 * ```ts
 * topKCount(512, 512, 0.03); // 7864
 * ```
 */
export function topKCount(height: number, width: number, topK: number): number {
  return Math.max(1, Math.floor(height * width * topK));
}

/**
 * Mean of the k largest values of each image's map, [N]: on the multiplicative map, the paper's
 * image score (spec §6c); on {@link nllMap}, the user-facing score.
 *
 * @example
 * ```ts
 * const scores = imageScore(mul, 0.03); // [N]
 * ```
 */
export function imageScore(mulMap: Tensor, topK: number): Tensor {
  const [n, h, w] = mulMap.shape;
  return topKMean(reshape(mulMap, [n, h * w]), topKCount(h, w, topK));
}
