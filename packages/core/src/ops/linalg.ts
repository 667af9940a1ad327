import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Matrix product of 2-D tensors.
 *
 * @example
 * ```ts
 * const y = matmul(x, w, false, true); // x · wᵀ
 * ```
 */
export function matmul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  return engine.runKernel('MatMul', [a, b], { transposeA, transposeB });
}
