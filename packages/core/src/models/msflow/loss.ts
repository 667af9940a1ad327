import { add, mul, square, sub } from '../../ops/elementwise.js';
import { mean, sum } from '../../ops/reduce.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * Per-image negative log-likelihood of MSFlow (spec §5): Σ_l ½‖z_l‖² − log-det, summed over
 * every latent element with no normalisation and without the constant ½·ln 2π per element.
 * Returns [N].
 *
 * @example
 * ```ts
 * const perImage = nllPerImage(z, logDet); // [N]
 * ```
 */
export function nllPerImage(z: readonly Tensor[], logDet: Tensor): Tensor {
  const energy = z.map((t) => sum(square(t), [1, 2, 3])).reduce((p, q) => add(p, q));
  return sub(mul(energy, 0.5), logDet);
}

/**
 * The training loss: {@link nllPerImage} averaged over the batch (a scalar). Its magnitude
 * grows with the latent size (≈ −10⁶…−10⁷ at 512²); see {@link lossPerDimension} for display.
 *
 * @example
 * ```ts
 * const { z, logDet } = model.forward(batch);
 * const loss = nllLoss(z, logDet);
 * ```
 */
export function nllLoss(z: readonly Tensor[], logDet: Tensor): Tensor {
  return mean(nllPerImage(z, logDet));
}

/** The loss in nats per latent element (still without ½·ln 2π): comparable across input sizes. */
export function lossPerDimension(loss: number, latentDims: number): number {
  return loss / latentDims;
}
