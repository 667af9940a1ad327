/**
 * Trapezoidal integration rules used by the PRO metrics.
 */

/**
 * The MVTec AD evaluation script's `trapezoid(x, y, x_max)`: area under the polyline up to
 * `xMax`, with `y` linearly interpolated at `xMax` when `xMax` is not one of the `x` values.
 * `x` must be non-decreasing.
 *
 * @example
 * ```ts
 * trapezoidTo([0, 0.5, 1], [0, 1, 1], 0.25); // 0.0625
 * ```
 */
export function trapezoidTo(x: ArrayLike<number>, y: ArrayLike<number>, xMax: number): number {
  const n = x.length;
  let correction = 0;
  let exact = false;
  for (let i = 0; i < n; i++) if (x[i] === xMax) exact = true;
  if (!exact) {
    // bisect_right
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xMax < x[mid]) hi = mid;
      else lo = mid + 1;
    }
    const ins = lo;
    if (ins <= 0 || ins >= n) throw new Error(`trapezoidTo: xMax ${xMax} outside the curve's range`);
    const yInterp = y[ins - 1] + ((y[ins] - y[ins - 1]) * (xMax - x[ins - 1])) / (x[ins] - x[ins - 1]);
    correction = 0.5 * (yInterp + y[ins - 1]) * (xMax - x[ins - 1]);
  }
  let sum = 0;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    if (!(x[i] <= xMax)) continue;
    if (prev >= 0) sum += 0.5 * (y[i] + y[prev]) * (x[i] - x[prev]);
    prev = i;
  }
  return sum + correction;
}

/**
 * sklearn's `metrics.auc(x, y)`: trapezoidal area for monotonic `x` (increasing or decreasing;
 * a decreasing `x` gives a positive area too).
 *
 * @throws when `x` is not monotonic or has fewer than 2 points.
 * @example
 * ```ts
 * sklearnAuc([1, 0.5, 0], [1, 1, 0]); // 0.75
 * ```
 */
export function sklearnAuc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) throw new Error(`auc: at least 2 points are needed, got ${n}`);
  let anyNeg = false;
  let allNonPos = true;
  for (let i = 1; i < n; i++) {
    const d = x[i] - x[i - 1];
    if (d < 0) anyNeg = true;
    if (d > 0) allNonPos = false;
  }
  let direction = 1;
  if (anyNeg) {
    if (!allNonPos) throw new Error('auc: x is neither increasing nor decreasing');
    direction = -1;
  }
  let area = 0;
  for (let i = 1; i < n; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return direction * area;
}
