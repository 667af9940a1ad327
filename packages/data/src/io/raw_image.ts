/**
 * The decoded-image container shared by the codecs, the resize functions and the datasets.
 */

/** Samples per pixel: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
export type ChannelCount = 1 | 2 | 3 | 4;

/**
 * A decoded image: interleaved samples, row-major, `height * width * channels` values.
 * `depth` 8 stores samples in a `Uint8Array` (0..255), `depth` 16 in a `Uint16Array` (0..65535).
 *
 * @example
 * ```ts
 * const grey: RawImage = { width: 2, height: 1, channels: 1, depth: 8, data: Uint8Array.of(0, 255) };
 * ```
 */
export interface RawImage {
  width: number;
  height: number;
  channels: ChannelCount;
  depth: 8 | 16;
  data: Uint8Array | Uint16Array;
}

/**
 * An 8-bit RGB image (`height * width * 3` bytes), what the visualisation functions draw into.
 *
 * @example
 * ```ts
 * const black: RgbImage = { width: 4, height: 4, data: new Uint8Array(4 * 4 * 3) };
 * ```
 */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Checks that a {@link RawImage}'s buffer matches its declared size; throws a one-line error if not.
 *
 * @example
 * ```ts
 * assertRawImage({ width: 1, height: 1, channels: 3, depth: 8, data: new Uint8Array(3) }, 'pixel');
 * ```
 */
export function assertRawImage(img: RawImage, what = 'image'): void {
  const { width, height, channels, depth, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`${what}: invalid size ${width}x${height}`);
  }
  if (![1, 2, 3, 4].includes(channels)) throw new Error(`${what}: invalid channel count ${channels}`);
  if (depth === 8 && !(data instanceof Uint8Array)) throw new Error(`${what}: depth 8 needs a Uint8Array`);
  if (depth === 16 && !(data instanceof Uint16Array)) throw new Error(`${what}: depth 16 needs a Uint16Array`);
  if (data.length !== width * height * channels) {
    throw new Error(`${what}: data has ${data.length} samples, expected ${width}x${height}x${channels} = ${width * height * channels}`);
  }
}
