import type { KernelAttrsMap, KernelName } from '../../kernels/kernel_names.js';
import type { Rng } from '../../random/rng.js';
import type { Tolerance } from '../assert.js';
import type { RefArray } from '../reference/array.js';

/** One forward check: run `kernel` on the backend and on the float64 reference, compare. */
export interface ForwardCase<K extends KernelName = KernelName> {
  /** `Kernel/what-it-covers`; a skip-list key. */
  readonly id: string;
  readonly kernel: K;
  /** Present inputs in `KERNEL_INPUTS` order, float32-representable. */
  readonly inputs: readonly RefArray[];
  readonly attrs: KernelAttrsMap[K];
  readonly tolerance: Tolerance;
}

/**
 * One gradient check of L = Σ kernel(inputs)·R for a fixed random R: the backend's analytic
 * gradient (core autodiff) against float64 central differences of the reference.
 */
export interface GradientCase<K extends KernelName = KernelName> extends ForwardCase<K> {
  /** Indices of the inputs differentiated; the others are constants. */
  readonly wrt: readonly number[];
}

/** Makes a kernel's cases from its own seeded generator. */
export type CaseBuilder<K extends KernelName, C = ForwardCase<K>> = (rng: Rng, kernel: K) => C[];
