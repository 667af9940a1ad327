import { add, div, minimum, mul, sqrt, square } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * PyTorch's clip_grad_norm_: scales every gradient by min(1, maxNorm / (‖g‖ + 1e-6)) where ‖g‖
 * is the L2 norm over all of them together. Stays on the device (no read-back), so it does not
 * stall a GPU pipeline. Returns new gradients and the pre-clip norm (a scalar tensor).
 *
 * @example
 * ```ts
 * const { grads: clipped, norm } = clipByGlobalNorm(grads, 2);
 * ```
 */
export function clipByGlobalNorm(grads: readonly Tensor[], maxNorm: number): { grads: Tensor[]; norm: Tensor } {
  if (!(maxNorm > 0)) throw new Error(`clipByGlobalNorm: maxNorm must be positive, got ${maxNorm}`);
  const norm = sqrt(grads.map((g) => sum(square(g))).reduce((p, q) => add(p, q)));
  const coef = minimum(div(maxNorm, add(norm, 1e-6)), 1);
  return { grads: grads.map((g) => mul(g, coef)), norm };
}
