import { tidy } from '../engine/engine.js';
import { reshape } from '../ops/layout.js';
import type { MSFlowModel } from '../models/msflow/model.js';
import type { Tensor } from '../tensor/tensor.js';
import { neg } from '../ops/elementwise.js';
import { gaussianFilter } from '../ops/gaussian.js';
import type { MSFlowConfig } from '../models/msflow/config.js';
import { additiveMap, fusedLogp, imageScore, logpMap, multiplicativeOfFused } from '../models/msflow/anomaly_map.js';

/** Everything MSFlow derives from one batch at test time (tensors owned by the caller). */
export interface ScoreMaps {
  /** Per-scale log-likelihood maps [N, h_l, w_l]. */
  logp: Tensor[];
  /** Additive anomaly map [N, H, W] (pixel AUROC). */
  add: Tensor;
  /** Multiplicative anomaly map [N, H, W] (the paper's image score, PRO). */
  mul: Tensor;
  /** The paper's image scores [N]: top-k mean of `mul` (saturates at 1 in float32; for the paper's metrics). */
  imageScores: Tensor;
  /** Negative fused log-likelihood map [N, H, W] (the user-facing map: one scale for all images). */
  nll: Tensor;
  /** The user-facing image scores [N]: top-k mean of `nll` (same k); never saturates. */
  nllScores: Tensor;
}

/**
 * Scores latents (spec §6): per-scale logp maps, both anomaly maps up-sampled to `size` with
 * bilinear align-corners interpolation and normalised by each image's own maximum, and the
 * paper's top-k image score; plus the user-facing negative log-likelihood map and its top-k
 * score (no exp, no per-image normalisation). `mapScales` (default all) picks the scales the maps are made of; `logp`
 * always has every scale. `mapSigma` (default 0: none) smooths the three maps with a Gaussian of
 * that σ in pixels before the image scores are taken from them.
 *
 * @example
 * ```ts
 * const maps = scoreLatents(z, [256, 256], 0.03);
 * const scores = await maps.imageScores.data();
 * const fine = scoreLatents(z, [256, 256], 0.03, [0, 1]); // maps from the two finer scales only
 * ```
 */
export function scoreLatents(z: readonly Tensor[], size: readonly [number, number], topK: number, mapScales?: readonly number[], mapSigma = 0): ScoreMaps {
  return tidy(() => {
    const logp = z.map(logpMap);
    const used = mapScales ? mapScales.map((l) => logp[l]) : logp;
    if (used.some((l) => l === undefined)) throw new RangeError(`scoreLatents: mapScales ${JSON.stringify(mapScales)} names a scale the ${z.length} latents do not have`);
    // One fused log-likelihood for both maps: the multiplicative map is its exp, the NLL map its negative.
    const fused = fusedLogp(used, size);
    const smooth = (t: Tensor) => gaussianFilter(t, mapSigma);
    const mul = smooth(multiplicativeOfFused(fused));
    const nll = smooth(neg(fused));
    const drop = (t: Tensor) => reshape(t, t.shape.slice(0, 3));
    return { logp: logp.map(drop), add: drop(smooth(additiveMap(used, size))), mul: drop(mul), imageScores: imageScore(mul, topK), nll: drop(nll), nllScores: imageScore(nll, topK) };
  });
}

/** The config fields that decide how latents are scored. */
export type ScoringConfig = Pick<MSFlowConfig, 'inputSize' | 'topK' | 'mapScales' | 'mapSigma'>;

/**
 * {@link scoreLatents} as a config asks: every scorer (eager, traced, exported) reads the scoring
 * fields here, so a new one cannot be forgotten by one of them.
 *
 * @example
 * ```ts
 * const maps = scoreWith(model.forward(features).z, model.config);
 * ```
 */
export function scoreWith(z: readonly Tensor[], config: ScoringConfig): ScoreMaps {
  return scoreLatents(z, config.inputSize, config.topK, config.mapScales, config.mapSigma);
}

/**
 * Runs the flows on a batch of pooled features (one NHWC tensor per scale) and scores it at the
 * model's configured input size, top-k fraction, map scales and map smoothing.
 *
 * @example
 * ```ts
 * const { imageScores, add } = predict(model, [y1, y2, y3]);
 * ```
 */
export function predict(model: MSFlowModel, features: readonly Tensor[]): ScoreMaps {
  return tidy(() => scoreWith(model.forward(features).z, model.config));
}
