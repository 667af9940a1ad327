/**
 * ImageNet normalisation with torchvision's float32 arithmetic
 * (`ToTensor()` then `Normalize(mean, std)`), and its inverse for display.
 */

/** ImageNet channel means (R, G, B). */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
/** ImageNet channel standard deviations (R, G, B). */
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/** Mean/std pair for {@link normalizeRgb8}. */
export interface Normalization {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/** The default: ImageNet statistics. */
export const IMAGENET: Normalization = { mean: IMAGENET_MEAN, std: IMAGENET_STD };

const f = Math.fround;

/** One channel: float32((float32(x) - float32(mean)) / float32(std)), as torch computes it. */
function norm1(x: number, mean: number, std: number): number {
  return f(f(f(x) - f(mean)) / f(std));
}

/**
 * Converts 8-bit RGB (or grey, replicated) to normalised float32 NHWC: `(v/255 - mean)/std` per
 * channel, computed in float32 like torchvision. `norm: null` gives plain `v/255`.
 *
 * @example
 * ```ts
 * const x = normalizeRgb8(rgb, 3); // Float32Array(rgb.length)
 * ```
 */
export function normalizeRgb8(src: Uint8Array, channels: 1 | 3, norm: Normalization | null = IMAGENET): Float32Array {
  const lut = new Float32Array(256 * 3);
  for (let v = 0; v < 256; v++) {
    const x = f(v / 255);
    for (let c = 0; c < 3; c++) lut[c * 256 + v] = norm ? norm1(x, norm.mean[c], norm.std[c]) : x;
  }
  const n = src.length / channels;
  const out = new Float32Array(n * 3);
  if (channels === 3) {
    for (let i = 0; i < n * 3; i += 3) {
      out[i] = lut[src[i]];
      out[i + 1] = lut[256 + src[i + 1]];
      out[i + 2] = lut[512 + src[i + 2]];
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = src[i];
      out[i * 3] = lut[v];
      out[i * 3 + 1] = lut[256 + v];
      out[i * 3 + 2] = lut[512 + v];
    }
  }
  return out;
}

/**
 * Normalises float samples in [0, 1] (RGB, or grey replicated) to float32 NHWC.
 *
 * @example
 * ```ts
 * const x = normalizeRgbFloat(Float32Array.of(0.5, 0.5, 0.5), 3);
 * ```
 */
export function normalizeRgbFloat(src: Float32Array, channels: 1 | 3, norm: Normalization | null = IMAGENET): Float32Array {
  const n = src.length / channels;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const x = src[channels === 3 ? i * 3 + c : i];
      out[i * 3 + c] = norm ? norm1(x, norm.mean[c], norm.std[c]) : x;
    }
  }
  return out;
}

/**
 * Inverse of the normalisation, back to 8-bit RGB for display (rounded and clamped).
 *
 * @example
 * ```ts
 * const rgb = denormalizeToRgb8(sample.image);
 * ```
 */
export function denormalizeToRgb8(image: Float32Array, norm: Normalization | null = IMAGENET): Uint8Array {
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) {
    const c = i % 3;
    const x = norm ? image[i] * norm.std[c] + norm.mean[c] : image[i];
    const v = Math.round(x * 255);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}
