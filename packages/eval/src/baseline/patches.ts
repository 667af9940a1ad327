/**
 * Patch features of the kNN baseline from MSFlow's backbone taps: the chosen taps, each averaged
 * over a local window (PatchCore's neighbourhood aggregation), resized bilinearly to the finest
 * chosen tap's grid and concatenated along channels: one row of `dim` values per grid cell.
 */
import { localMean, resizeBilinear } from './resample.js';

/** Which taps, and the local window. */
export interface PatchOptions {
  /** Tap indices into the feature set's scales (e.g. [1, 2]: stage 2 + upsampled stage 3). */
  taps: readonly number[];
  /** Side of the local averaging window (1: none; PatchCore uses 3). */
  window: number;
}

/** The grid and row width the options give for these tap shapes. */
export interface PatchLayout {
  height: number;
  width: number;
  dim: number;
}

/**
 * The patch grid (the finest chosen tap's) and the concatenated feature width.
 *
 * @example
 * ```ts
 * patchLayout([[32, 32, 256], [16, 16, 512], [8, 8, 1024]], [1, 2]); // { height: 16, width: 16, dim: 1536 }
 * ```
 */
export function patchLayout(shapes: readonly (readonly [number, number, number])[], taps: readonly number[]): PatchLayout {
  if (taps.length === 0) throw new RangeError('patch taps: choose at least one tap');
  for (const t of taps) if (!Number.isInteger(t) || t < 0 || t >= shapes.length) throw new RangeError(`patch taps: tap ${t} does not exist (the features have taps 0..${shapes.length - 1})`);
  let height = 0;
  let width = 0;
  for (const t of taps) {
    if (shapes[t][0] * shapes[t][1] > height * width) [height, width] = [shapes[t][0], shapes[t][1]];
  }
  return { height, width, dim: taps.reduce((s, t) => s + shapes[t][2], 0) };
}

/**
 * Patch rows of `count` images: `scales[l]` holds the images' values of tap `options.taps[l]`
 * (row-major [count, h, w, c]). Returns [count · height · width, dim], image-major.
 *
 * @example
 * ```ts
 * const rows = imagePatches([await src.read(1, [0]), await src.read(2, [0])], src.shapes, 1, { taps: [1, 2], window: 3 });
 * ```
 */
export function imagePatches(scales: readonly Float32Array[], shapes: readonly (readonly [number, number, number])[], count: number, options: PatchOptions): Float32Array {
  const layout = patchLayout(shapes, options.taps);
  const cells = layout.height * layout.width;
  const out = new Float32Array(count * cells * layout.dim);
  let offset = 0;
  options.taps.forEach((t, l) => {
    const [h, w, c] = shapes[t];
    const per = h * w * c;
    for (let i = 0; i < count; i++) {
      const plane = scales[l].subarray(i * per, (i + 1) * per);
      const resized = resizeBilinear(localMean(plane, h, w, c, options.window), h, w, c, layout.height, layout.width);
      const base = i * cells * layout.dim + offset;
      for (let p = 0; p < cells; p++) out.set(resized.subarray(p * c, (p + 1) * c), base + p * layout.dim);
    }
    offset += c;
  });
  return out;
}
