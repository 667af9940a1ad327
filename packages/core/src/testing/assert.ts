/**
 * Closeness of two arrays: |got - want| <= atol + rtol·|want| for every element (NaN matches
 * only NaN, infinities only themselves).
 */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** Result of {@link compareArrays}. */
export interface Comparison {
  readonly ok: boolean;
  /** Elements outside the tolerance. */
  readonly failures: number;
  /** Largest |got - want| (NaN or Infinity when those mismatch). */
  readonly maxAbsError: number;
  /** Index of the element furthest outside its tolerance, or -1. */
  readonly worst: number;
}

function excess(g: number, w: number, tol: Tolerance): number {
  if (Number.isNaN(w) || Number.isNaN(g)) return Number.isNaN(w) && Number.isNaN(g) ? 0 : Infinity;
  if (g === w) return 0; // also equal infinities
  return Math.abs(g - w) - (tol.atol + tol.rtol * Math.abs(w));
}

/** Compares element by element; never throws. */
export function compareArrays(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance): Comparison {
  if (got.length !== want.length) return { ok: false, failures: Math.max(got.length, want.length), maxAbsError: Infinity, worst: -1 };
  let failures = 0;
  let maxAbsError = 0;
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < want.length; i++) {
    const e = excess(got[i], want[i], tol);
    const abs = got[i] === want[i] ? 0 : Math.abs(got[i] - want[i]);
    if (!(abs <= maxAbsError)) maxAbsError = abs;
    if (e > 0) {
      failures++;
      if (e > worstExcess || worst < 0) {
        worst = i;
        worstExcess = e;
      }
    }
  }
  return { ok: failures === 0, failures, maxAbsError, worst };
}

/**
 * Throws unless `got` matches `want` within `tol`; the message names `label`, the number of
 * mismatches and the worst element.
 *
 * @example
 * ```ts
 * assertClose(await y.data(), expected.data, { rtol: 1e-4, atol: 1e-5 }, 'Conv2D/stride2');
 * ```
 */
export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance, label = 'values'): void {
  if (got.length !== want.length) throw new Error(`${label}: got ${got.length} values, expected ${want.length}`);
  const c = compareArrays(got, want, tol);
  if (c.ok) return;
  const i = c.worst;
  throw new Error(
    `${label}: ${c.failures} of ${want.length} values differ beyond |d| <= ${tol.atol} + ${tol.rtol}·|want|; ` +
      `worst at [${i}]: got ${got[i]}, want ${want[i]} (max |d| ${c.maxAbsError.toExponential(3)})`,
  );
}

/** Throws unless two shapes are equal. */
export function assertShape(got: readonly number[], want: readonly number[], label = 'shape'): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new Error(`${label}: got shape [${got.join(',')}], expected [${want.join(',')}]`);
  }
}
