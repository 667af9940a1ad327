import type { Tolerance } from '../assert.js';

/**
 * The tolerances the conformance suite states, for float32 backends checked against the
 * float64 reference: pass when |got - want| <= atol + rtol·|want| element-wise.
 *
 * float32 has a unit roundoff u = 2^-24 ≈ 6e-8. One rounded operation stays within u·|want|;
 * libm-quality transcendental functions within a few u; a sum of n terms each bounded by M
 * typically errs by √n·u·Σ|t| and almost never by more than n·(8u)·M, whatever the summation
 * order (tiled, pairwise, fused multiply-add). A bug such as a misplaced pad, a wrong group or
 * an off-by-one coordinate shows up as an error of order M, orders of magnitude above these.
 */

/** Copies (transpose, reshape, slice, gather...): bit-exact, float32 in and out. */
export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** One element-wise operation (including exp, log, tanh...). */
export const ELEMENTWISE: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/** A sum of `n` products whose terms are bounded by `magnitude`: matmul, conv, pooling, reductions. */
export function sumTolerance(n: number, magnitude = 1): Tolerance {
  return { rtol: 1e-4, atol: 1e-5 + 5e-7 * Math.max(n, 1) * magnitude };
}

/**
 * Analytic gradients on a float32 backend against float64 finite differences. The gradient
 * passes through the forward kernel, the gradient ops and the weighted sum, so it gets ten
 * times the forward allowance, plus the reduction term of its longest sum.
 */
export function gradientTolerance(n = 1, magnitude = 1): Tolerance {
  return { rtol: 1e-3, atol: 1e-4 + 5e-6 * Math.max(n, 1) * magnitude };
}

/**
 * A float64 backend (the reference itself) is held to near float64 accuracy instead: forward
 * results must agree to 1e-12, gradients to the accuracy of central differences with
 * eps = 1e-5 in float64 (truncation ~eps², cancellation ~1e-16/eps), i.e. about 1e-8.
 */
export const FLOAT64_FORWARD: Tolerance = { rtol: 1e-12, atol: 1e-12 };
/** Gradients on a float64 backend against float64 central differences (see {@link FLOAT64_FORWARD}). */
export const FLOAT64_GRADIENT: Tolerance = { rtol: 1e-6, atol: 1e-7 };

/** Finite-difference step of the gradient checks. */
export const FD_EPSILON = 1e-5;

/** `tol` multiplied by `scale` (a backend's stated, printed loosening). */
export function scaled(tol: Tolerance, scale: number): Tolerance {
  return { rtol: tol.rtol * scale, atol: tol.atol * scale };
}
