/**
 * EXIF orientation: phone and some industrial cameras store the sensor's pixels and a tag saying
 * how to turn them. Browsers and Pillow's `exif_transpose` apply it; so do the decoders here, so
 * a photo is scored the way it is seen.
 */
import type { RawImage } from './raw_image.js';

/**
 * The image as displayed for EXIF orientation `orientation` (1: unchanged; 2-4 mirror or turn
 * 180 degrees; 5-8 swap width and height).
 *
 * @example
 * ```ts
 * const upright = applyOrientation(decoded, 6); // stored sideways, turned 90 degrees clockwise
 * ```
 */
export function applyOrientation(img: RawImage, orientation: number): RawImage {
  if (!(orientation >= 2 && orientation <= 8)) return img;
  const { width: w, height: h, channels: c, data } = img;
  const swap = orientation >= 5;
  const W = swap ? h : w;
  const H = swap ? w : h;
  const out = data instanceof Uint16Array ? new Uint16Array(data.length) : new Uint8Array(data.length);
  // Source pixel (x, y) of the displayed pixel (X, Y).
  const source: Record<number, (X: number, Y: number) => [number, number]> = {
    2: (X, Y) => [w - 1 - X, Y],
    3: (X, Y) => [w - 1 - X, h - 1 - Y],
    4: (X, Y) => [X, h - 1 - Y],
    5: (X, Y) => [Y, X],
    6: (X, Y) => [Y, h - 1 - X],
    7: (X, Y) => [w - 1 - Y, h - 1 - X],
    8: (X, Y) => [w - 1 - Y, X],
  };
  const from = source[orientation];
  for (let Y = 0; Y < H; Y++) {
    for (let X = 0; X < W; X++) {
      const [x, y] = from(X, Y);
      const s = (y * w + x) * c;
      const d = (Y * W + X) * c;
      for (let k = 0; k < c; k++) out[d + k] = data[s + k];
    }
  }
  return { width: W, height: H, channels: c, depth: img.depth, data: out } as RawImage;
}
