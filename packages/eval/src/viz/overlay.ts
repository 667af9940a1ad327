/**
 * Heatmap overlays and mask contours on 8-bit RGB images.
 */
import type { RgbImage } from '@msflow/data';
import { JET_LUT } from './colormap.js';

/** Options of {@link heatmapOverlay}. */
export interface OverlayOptions {
  /** Heatmap opacity (default 0.4). */
  alpha?: number;
  /** Value mapped to the bottom of the colormap (default: the map's minimum). */
  vmin?: number;
  /** Value mapped to the top (default: the map's maximum). Use one range for a whole test set. */
  vmax?: number;
}

/**
 * Minimum and maximum of an array (ignoring NaN), e.g. to share one colormap range over a test set.
 *
 * @example
 * ```ts
 * valueRange([3, 1, 2]); // { min: 1, max: 3 }
 * ```
 */
export function valueRange(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * Blends a jet-coloured anomaly map over an image: out = (1 − α)·image + α·jet(map), α = 0.4.
 * The map has one value per pixel of the image.
 *
 * @example
 * ```ts
 * const over = heatmapOverlay({ width: 256, height: 256, data: rgb }, map, { vmin: 0, vmax: 3 });
 * ```
 */
export function heatmapOverlay(image: RgbImage, map: ArrayLike<number>, options: OverlayOptions = {}): RgbImage {
  const n = image.width * image.height;
  if (map.length !== n) throw new Error(`heatmapOverlay: map has ${map.length} values, image has ${n} pixels`);
  const alpha = options.alpha ?? 0.4;
  let { vmin, vmax } = options;
  if (vmin === undefined || vmax === undefined) {
    const r = valueRange(map);
    vmin ??= r.min;
    vmax ??= r.max;
  }
  const span = vmax > vmin ? vmax - vmin : 1;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    let lvl = Math.floor(((map[i] - vmin) / span) * 256);
    lvl = Number.isNaN(lvl) ? 0 : lvl < 0 ? 0 : lvl > 255 ? 255 : lvl;
    for (let c = 0; c < 3; c++) {
      out[i * 3 + c] = Math.round((1 - alpha) * image.data[i * 3 + c] + alpha * JET_LUT[lvl * 3 + c]);
    }
  }
  return { width: image.width, height: image.height, data: out };
}

/**
 * Boundary pixels of a binary mask: foreground pixels with a 4-neighbour in the background or
 * on the image border.
 *
 * @example
 * ```ts
 * const edge = maskBoundary(mask, 256, 256); // Uint8Array of 0/1
 * ```
 */
export function maskBoundary(mask: ArrayLike<number>, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!(mask[i] > 0)) continue;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1 || !(mask[i - 1] > 0) || !(mask[i + 1] > 0) || !(mask[i - width] > 0) || !(mask[i + width] > 0)) {
        out[i] = 1;
      }
    }
  }
  return out;
}

/**
 * Draws the outline of `mask` onto a copy of `image` in `color`, `thickness` pixels wide
 * (inwards and outwards).
 *
 * @example
 * ```ts
 * const withGt = drawContour(img, gtMask, [0, 255, 0]);
 * const both = drawContour(withGt, predMask, [255, 255, 255]);
 * ```
 */
export function drawContour(image: RgbImage, mask: ArrayLike<number>, color: readonly [number, number, number], thickness = 1): RgbImage {
  const { width, height } = image;
  if (mask.length !== width * height) throw new Error(`drawContour: mask has ${mask.length} values, image has ${width * height} pixels`);
  const edge = maskBoundary(mask, width, height);
  const out = image.data.slice();
  const r = Math.max(0, Math.floor((thickness - 1) / 2));
  const r2 = thickness - 1 - r;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!edge[y * width + x]) continue;
      for (let dy = -r; dy <= r2; dy++) {
        for (let dx = -r; dx <= r2; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy < 0 || xx < 0 || yy >= height || xx >= width) continue;
          const j = (yy * width + xx) * 3;
          out[j] = color[0];
          out[j + 1] = color[1];
          out[j + 2] = color[2];
        }
      }
    }
  }
  return { width, height, data: out };
}

/**
 * Binary prediction: 1 where `map ≥ threshold`.
 *
 * @example
 * ```ts
 * const pred = thresholdMap(map, f1.threshold);
 * ```
 */
export function thresholdMap(map: ArrayLike<number>, threshold: number): Uint8Array {
  const out = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = map[i] >= threshold ? 1 : 0;
  return out;
}

/**
 * A greyscale mask (0/1) as an RGB image (white on black), for display next to the image.
 *
 * @example
 * ```ts
 * const m = maskToRgb(mask, 256, 256);
 * ```
 */
export function maskToRgb(mask: ArrayLike<number>, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) if (mask[i] > 0) data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = 255;
  return { width, height, data };
}

/** Options of {@link defectOverlay}. */
export interface DefectOverlayOptions {
  /** The model's colour scale (fixed once for all its images, e.g. core's `mapColorRange`). */
  vmin: number;
  vmax: number;
  /** Pixel threshold: the defect is `map ≥ threshold`. */
  threshold: number;
  /** Contour colour (default white). */
  color?: readonly [number, number, number];
  /** Heatmap opacity (default 0.4). */
  alpha?: number;
  /** Contour width in pixels (default 1). */
  thickness?: number;
}

/**
 * The image a user reads: the anomaly map in jet on the model's fixed colour scale (so cold
 * means normal on every image), with the outline of the defect (`map ≥ threshold`) drawn over it.
 *
 * @example
 * ```ts
 * const shown = defectOverlay(image, nllMap, { ...mapColorRange(cal), threshold: cal.threshold });
 * ```
 */
export function defectOverlay(image: RgbImage, map: ArrayLike<number>, options: DefectOverlayOptions): RgbImage {
  const heat = heatmapOverlay(image, map, { vmin: options.vmin, vmax: options.vmax, alpha: options.alpha });
  return drawContour(heat, thresholdMap(map, options.threshold), options.color ?? [255, 255, 255], options.thickness ?? 1);
}
