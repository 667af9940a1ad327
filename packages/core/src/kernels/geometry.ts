/**
 * Host-side kernel geometry: the one statement of each indexing rule that the reference and the
 * backends compute on the host (interpolation taps, interpolation matrices, pooling windows).
 * Backends upload what these return as tables or constants instead of restating the formulas.
 */

/** One output cell's two source cells along an axis and the weight of the second. */
export interface BilinearTap {
  readonly i0: number;
  readonly i1: number;
  /** Weight of `i1`; `i0` gets `1 - frac`. */
  readonly frac: number;
}

/**
 * PyTorch's source coordinates for bilinear interpolation along one axis, for every output cell.
 * alignCorners maps the corner cells onto each other, src = dst·(in-1)/(out-1); otherwise cell
 * centres are aligned, src = (dst+0.5)·in/out - 0.5, clamped at 0. Both neighbours are clamped
 * to the input, so the last row may tap the same cell twice.
 *
 * @example
 * ```ts
 * bilinearTaps(2, 4, false); // [{i0:0,i1:1,frac:0}, {i0:0,i1:1,frac:0.25}, {i0:0,i1:1,frac:0.75}, {i0:1,i1:1,frac:0.25}]
 * ```
 */
export function bilinearTaps(inSize: number, outSize: number, alignCorners: boolean): BilinearTap[] {
  const taps: BilinearTap[] = [];
  for (let d = 0; d < outSize; d++) {
    const src = alignCorners
      ? outSize > 1 ? (d * (inSize - 1)) / (outSize - 1) : 0
      : Math.max(((d + 0.5) * inSize) / outSize - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    taps.push({ i0, i1: Math.min(i0 + 1, inSize - 1), frac: src - i0 });
  }
  return taps;
}

/**
 * The [outSize, inSize] row-major matrix of 1-D bilinear interpolation ({@link bilinearTaps}):
 * row d holds the weights output d gives each input cell. A resize is Rh · x · Rwᵀ per channel,
 * its gradient Rhᵀ · dy · Rw. Accumulated in float64, rounded once.
 *
 * @example
 * ```ts
 * interpolationMatrix(2, 4, false); // rows [1,0], [0.75,0.25], [0.25,0.75], [0,1]
 * ```
 */
export function interpolationMatrix(inSize: number, outSize: number, alignCorners: boolean): Float32Array {
  const m = new Float64Array(outSize * inSize);
  bilinearTaps(inSize, outSize, alignCorners).forEach(({ i0, i1, frac }, d) => {
    m[d * inSize + i0] += 1 - frac;
    m[d * inSize + i1] += frac;
  });
  return Float32Array.from(m);
}

/**
 * The input cells [start, end) that output window `o` covers along one axis, clipped to the
 * input (padding contributes no cell).
 *
 * @example
 * ```ts
 * windowSpan(0, 5, 3, 2, 1); // [0, 2]: the window starts one cell into the padding
 * ```
 */
export function windowSpan(o: number, size: number, kernel: number, stride: number, padBefore: number): [number, number] {
  const start = o * stride - padBefore;
  return [Math.max(start, 0), Math.min(start + kernel, size)];
}

/**
 * The divisor of an average-pooling window: the whole window with `countIncludePad` (PyTorch's
 * default; a window never overhangs the padded input), else the cells inside the input.
 */
export function poolDivisor(kernel: readonly [number, number], rows: readonly [number, number], cols: readonly [number, number], countIncludePad: boolean): number {
  return countIncludePad ? kernel[0] * kernel[1] : (rows[1] - rows[0]) * (cols[1] - cols[0]);
}
