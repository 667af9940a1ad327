import type { Rng } from '../random/rng.js';
import { sizeOf } from '../tensor/shape.js';
import type { RefArray } from './reference/array.js';

/** Value range of {@link randomArray}. */
export interface RandomOptions {
  /** Lower bound (default -1). */
  lo?: number;
  /** Upper bound, exclusive (default 1). */
  hi?: number;
  /** Points to stay away from (kinks such as 0 for relu): values within `margin` are redrawn. */
  avoid?: readonly number[];
  /** Distance kept from `avoid` (default 0.05, far beyond a finite-difference step). */
  margin?: number;
}

/**
 * Uniform random values in [lo, hi), rounded to float32 so that a float32 backend and the
 * float64 reference see exactly the same input.
 *
 * @example
 * ```ts
 * const x = randomArray(new Rng(1), [2, 5, 5, 3], { lo: -2, hi: 2, avoid: [0] });
 * ```
 */
export function randomArray(rng: Rng, shape: readonly number[], opts: RandomOptions = {}): RefArray {
  const { lo = -1, hi = 1, avoid = [], margin = 0.05 } = opts;
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    let v: number;
    let tries = 0;
    do {
      v = Math.fround(lo + (hi - lo) * rng.uniform());
      if (++tries > 1000) throw new Error(`randomArray: [${lo}, ${hi}) leaves no room outside the avoided points`);
    } while (avoid.some((a) => Math.abs(v - a) < margin));
    data[i] = v;
  }
  return { shape: [...shape], data };
}

/**
 * Values that differ pairwise by at least `gap` (a shuffled grid plus a little jitter), for
 * max-like kernels whose gradient is undefined at ties.
 */
export function distinctArray(rng: Rng, shape: readonly number[], gap = 0.1): RefArray {
  const n = sizeOf(shape);
  const order = rng.permutation(n);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.fround((order[i] - n / 2) * gap + gap * 0.3 * rng.uniform());
  return { shape: [...shape], data };
}
