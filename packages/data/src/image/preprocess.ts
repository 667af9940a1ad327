/**
 * The MSFlow input transform (spec §1.2): drop alpha, Lanczos resize to the exact input size
 * (aspect ratio not kept), grey replicated to 3 channels, ImageNet normalisation; masks resized
 * with nearest and binarised (> 0).
 */
import type { RawImage } from '../io/raw_image.js';
import { resizeLanczosF32, resizeLanczosU8 } from './lanczos.js';
import { resizeNearest } from './nearest.js';
import { normalizeRgb8, normalizeRgbFloat, type Normalization } from './normalize.js';

/** Height and width in pixels. */
export interface ImageSize {
  height: number;
  width: number;
}

/** A size as a number (square), `[height, width]`, or an {@link ImageSize}. */
export type SizeLike = number | readonly [number, number] | ImageSize;

/**
 * Normalises a {@link SizeLike} and checks it.
 *
 * @example
 * ```ts
 * toImageSize(256); // { height: 256, width: 256 }
 * ```
 */
export function toImageSize(size: SizeLike): ImageSize {
  const s: ImageSize =
    typeof size === 'number' ? { height: size, width: size } : Array.isArray(size) ? { height: size[0], width: size[1] } : (size as ImageSize);
  if (!Number.isInteger(s.height) || !Number.isInteger(s.width) || s.height <= 0 || s.width <= 0) {
    throw new Error(`invalid image size ${JSON.stringify(size)}: expected positive integers`);
  }
  return { height: s.height, width: s.width };
}

/** Result of {@link preprocessImage}. */
export interface PreprocessedImage {
  /** Normalised float32, NHWC without N: `height * width * 3`. */
  image: Float32Array;
  /** The resized 8-bit RGB image (before normalisation), `height * width * 3`. */
  rgb: Uint8Array;
  height: number;
  width: number;
}

/** Colour samples without alpha: 1 (grey) or 3 (RGB) channels. */
function stripAlpha<T extends Uint8Array | Float32Array>(data: T, channels: number, n: number, make: (n: number) => T): { data: T; c: 1 | 3 } {
  if (channels === 1 || channels === 3) return { data, c: channels };
  const c = channels === 2 ? 1 : 3;
  const out = make(n * c);
  for (let i = 0; i < n; i++) for (let k = 0; k < c; k++) out[i * c + k] = data[i * channels + k];
  return { data: out, c };
}

/**
 * Applies the MSFlow image transform to a decoded image. 8-bit images are resized exactly like
 * Pillow's `LANCZOS` 8-bit path; 16-bit images are scaled to [0, 1] and resized in float (Pillow's
 * `F`-mode arithmetic). Values stay in [0, 1] (what msflow backbones take: each normalises its own
 * input) unless a `normalization` (mean/std) is given.
 *
 * @example
 * ```ts
 * const { image, rgb } = preprocessImage(readImageSync('000.png'), { height: 256, width: 256 });
 * ```
 */
export function preprocessImage(raw: RawImage, size: SizeLike, normalization: Normalization | null = null): PreprocessedImage {
  const { height, width } = toImageSize(size);
  const n = raw.width * raw.height;
  if (raw.depth === 8) {
    const { data, c } = stripAlpha(raw.data as Uint8Array, raw.channels, n, (k) => new Uint8Array(k));
    const resized = resizeLanczosU8(data, raw.width, raw.height, c, width, height);
    const image = normalizeRgb8(resized, c, normalization);
    let rgb = resized;
    if (c === 1) {
      rgb = new Uint8Array(width * height * 3);
      for (let i = 0; i < resized.length; i++) rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = resized[i];
    }
    return { image, rgb, height, width };
  }
  const f = new Float32Array(raw.data.length);
  for (let i = 0; i < f.length; i++) f[i] = raw.data[i] / 65535;
  const { data, c } = stripAlpha(f, raw.channels, n, (k) => new Float32Array(k));
  const resized = resizeLanczosF32(data, raw.width, raw.height, c, width, height);
  const image = normalizeRgbFloat(resized, c, normalization);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    for (let k = 0; k < 3; k++) {
      const v = Math.round(resized[c === 3 ? i * 3 + k : i] * 255);
      rgb[i * 3 + k] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { image, rgb, height, width };
}

/**
 * A binary (0/1) mask at the image's own size: a pixel is anomalous when any colour channel is
 * > 0 (alpha is ignored).
 *
 * @example
 * ```ts
 * const m = binaryMask(readImageSync('000_mask.png')); // Uint8Array(width*height)
 * ```
 */
export function binaryMask(raw: RawImage): Uint8Array {
  const n = raw.width * raw.height;
  const C = raw.channels;
  const colour = C === 2 ? 1 : C === 4 ? 3 : C;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let k = 0; k < colour; k++) v |= raw.data[i * C + k];
    out[i] = v > 0 ? 1 : 0;
  }
  return out;
}

/**
 * The MSFlow mask transform: nearest resize (Pillow mapping) to `size`, then > 0.
 *
 * @example
 * ```ts
 * const mask = preprocessMask(readImageSync('000_mask.png'), 256); // Uint8Array(256*256) of 0/1
 * ```
 */
export function preprocessMask(raw: RawImage, size: SizeLike): Uint8Array {
  const { height, width } = toImageSize(size);
  return resizeNearest(binaryMask(raw), raw.width, raw.height, 1, width, height);
}
