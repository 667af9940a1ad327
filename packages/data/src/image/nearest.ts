/**
 * Nearest-neighbour resize with Pillow's sample mapping (`Image.resize(size, Image.NEAREST)`,
 * i.e. `ImagingScaleAffine`): source index = trunc((i + 0.5) · in/out), with the position
 * accumulated by repeated addition exactly as Pillow does.
 */

/**
 * Pillow's pretabulated source indices for one axis (-1 where outside the source).
 *
 * @example
 * ```ts
 * nearestIndices(4, 2); // [1, 3]
 * ```
 */
export function nearestIndices(inSize: number, outSize: number): Int32Array {
  const a = inSize / outSize;
  const idx = new Int32Array(outSize);
  let pos = a * 0.5;
  for (let i = 0; i < outSize; i++) {
    const v = pos < 0 ? -1 : Math.trunc(pos);
    idx[i] = v >= 0 && v < inSize ? v : -1;
    pos += a;
  }
  return idx;
}

/**
 * Nearest-neighbour resize of an interleaved image (any typed array, any channel count),
 * matching Pillow's `Image.NEAREST`. Used for masks.
 *
 * @example
 * ```ts
 * const m = resizeNearest(mask, 400, 300, 1, 256, 256); // same array type as `mask`
 * ```
 */
export function resizeNearest<T extends Uint8Array | Uint16Array | Float32Array>(
  src: T,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): T {
  if (src.length !== width * height * channels) {
    throw new Error(`resizeNearest: data has ${src.length} samples, expected ${width}x${height}x${channels}`);
  }
  const xs = nearestIndices(width, outWidth);
  const ys = nearestIndices(height, outHeight);
  const out = new (src.constructor as new (n: number) => T)(outWidth * outHeight * channels);
  const C = channels;
  for (let y = 0; y < outHeight; y++) {
    const sy = ys[y];
    if (sy < 0) continue;
    const rowIn = sy * width * C;
    const rowOut = y * outWidth * C;
    for (let x = 0; x < outWidth; x++) {
      const sx = xs[x];
      if (sx < 0) continue;
      for (let c = 0; c < C; c++) out[rowOut + x * C + c] = src[rowIn + sx * C + c];
    }
  }
  return out;
}
