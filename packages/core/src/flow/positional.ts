import { tensor } from '../ops/creation.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The 2-D sinusoidal positional encoding of CFlow / MSFlow (spec §3.2) as row-major [H, W, D]
 * values. With d = D/2 and ω_j = 10000^(−2j/d), j = 0..d/2−1, at integer column x and row y:
 * channel 2j = sin(x·ω_j), 2j+1 = cos(x·ω_j), d+2j = sin(y·ω_j), d+2j+1 = cos(y·ω_j).
 *
 * @example
 * ```ts
 * const pe = positionalEncodingArray(16, 16, 64); // 16·16·64 values
 * ```
 */
export function positionalEncodingArray(height: number, width: number, channels: number): Float32Array {
  if (!Number.isInteger(channels) || channels <= 0 || channels % 4 !== 0) {
    throw new Error(`positional encoding: channels must be a positive multiple of 4, got ${channels}`);
  }
  const d = channels / 2;
  const freqs = Array.from({ length: d / 2 }, (_, j) => Math.pow(10000, (-2 * j) / d));
  const out = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = (y * width + x) * channels;
      freqs.forEach((w, j) => {
        out[base + 2 * j] = Math.sin(x * w);
        out[base + 2 * j + 1] = Math.cos(x * w);
        out[base + d + 2 * j] = Math.sin(y * w);
        out[base + d + 2 * j + 1] = Math.cos(y * w);
      });
    }
  }
  return out;
}

/**
 * The positional encoding as an NHWC tensor [batch, H, W, D], identical for every image of the
 * batch (the couplings concatenate it to image tensors, so it must carry the batch axis).
 *
 * @example
 * ```ts
 * const pe = positionalEncoding(64, 64, 64, 8); // [8, 64, 64, 64]
 * ```
 */
export function positionalEncoding(height: number, width: number, channels: number, batch = 1): Tensor {
  const one = positionalEncodingArray(height, width, channels);
  const all = new Float32Array(one.length * batch);
  for (let i = 0; i < batch; i++) all.set(one, i * one.length);
  return tensor(all, [batch, height, width, channels]);
}
