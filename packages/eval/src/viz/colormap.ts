/**
 * Matplotlib's `jet` colormap as a 256-entry lookup table (same segment data, same 8-bit
 * quantisation as `cmap(x, bytes=True)`).
 */

type Segments = readonly (readonly [number, number])[];

const RED: Segments = [
  [0, 0],
  [0.35, 0],
  [0.66, 1],
  [0.89, 1],
  [1, 0.5],
];
const GREEN: Segments = [
  [0, 0],
  [0.125, 0],
  [0.375, 1],
  [0.64, 1],
  [0.91, 0],
  [1, 0],
];
const BLUE: Segments = [
  [0, 0.5],
  [0.11, 1],
  [0.34, 1],
  [0.65, 0],
  [1, 0],
];

function interp(seg: Segments, x: number): number {
  for (let k = 1; k < seg.length; k++) {
    const [x1, y1] = seg[k];
    if (x <= x1) {
      const [x0, y0] = seg[k - 1];
      return x1 === x0 ? y1 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return seg[seg.length - 1][1];
}

/** `JET_LUT[3*i .. 3*i+2]` = RGB bytes of level i (0..255). */
export const JET_LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = i / 255;
    lut[i * 3] = Math.trunc(interp(RED, x) * 255);
    lut[i * 3 + 1] = Math.trunc(interp(GREEN, x) * 255);
    lut[i * 3 + 2] = Math.trunc(interp(BLUE, x) * 255);
  }
  return lut;
})();

/**
 * The jet colour of `t` in [0, 1] (clamped) as RGB bytes; level = floor(t·256) like matplotlib.
 *
 * @example
 * ```ts
 * jet(0); // [0, 0, 127]   jet(1); // [127, 0, 0]
 * ```
 */
export function jet(t: number): [number, number, number] {
  let i = Math.floor(t * 256);
  i = Number.isNaN(i) ? 0 : i < 0 ? 0 : i > 255 ? 255 : i;
  return [JET_LUT[i * 3], JET_LUT[i * 3 + 1], JET_LUT[i * 3 + 2]];
}
