/**
 * JPEG decode/encode on top of `jpeg-js` (pure JS, baseline and progressive). The frame header is
 * read first (size against the pixel budget), and the EXIF orientation is applied after decoding.
 */
import jpeg from 'jpeg-js';
import { ImageCodecError, reasonOf } from './errors.js';
import { checkPixelBudget, isJpeg, readImageHeader, type DecodeOptions } from './image_header.js';
import { applyOrientation } from './orientation.js';
import { maxImagePixels } from './pixel_limit.js';
import type { RawImage } from './raw_image.js';

export { isJpeg } from './image_header.js';

/**
 * Decodes JPEG bytes. Single-component (greyscale) files give `channels: 1`, others RGB; an
 * EXIF orientation turns the pixels upright (as browsers show the file). Decoding is strict: a
 * truncated or corrupt entropy-coded segment is an error.
 *
 * @param source names the file in errors.
 * @throws {@link ImageCodecError} naming `source`.
 * @example
 * ```ts
 * const img = decodeJpeg(readFileSync('tile.jpg'), 'tile.jpg');
 * ```
 */
export function decodeJpeg(bytes: Uint8Array, source = 'JPEG data', options: DecodeOptions = {}): RawImage {
  if (!isJpeg(bytes)) throw new ImageCodecError(source, 'JPEG: missing SOI marker');
  const header = readImageHeader(bytes, source);
  const maxPixels = options.maxPixels ?? maxImagePixels();
  checkPixelBudget(header, source, maxPixels);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    // The budget is already checked; jpeg-js's own limits only need to let that size through.
    const megapixels = (header.width * header.height) / 1e6;
    decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: megapixels + 1, maxMemoryUsageInMB: 2048 });
  } catch (err) {
    throw new ImageCodecError(source, `JPEG: ${reasonOf(err)}`);
  }
  const { width, height, data } = decoded;
  if (!(width > 0 && height > 0) || data.length !== width * height * 3) {
    throw new ImageCodecError(source, 'JPEG: decoder returned no image data');
  }
  let img: RawImage = { width, height, channels: 3, depth: 8, data };
  if (header.components === 1) {
    const grey = new Uint8Array(width * height);
    for (let i = 0; i < grey.length; i++) grey[i] = data[i * 3];
    img = { width, height, channels: 1, depth: 8, data: grey };
  }
  return applyOrientation(img, header.orientation);
}

/**
 * Encodes an 8-bit image as a baseline JPEG (grey is replicated, alpha dropped).
 *
 * @param quality 1-100 (default 92).
 * @example
 * ```ts
 * const bytes = encodeJpeg({ width: 8, height: 8, channels: 3, depth: 8, data: new Uint8Array(192) }, 90);
 * ```
 */
export function encodeJpeg(img: RawImage, quality = 92, source = 'JPEG output'): Uint8Array {
  if (img.depth !== 8) throw new ImageCodecError(source, 'JPEG: only 8-bit images can be encoded', 'encode');
  const n = img.width * img.height;
  const rgba = new Uint8Array(n * 4);
  const c = img.channels;
  for (let i = 0; i < n; i++) {
    const s = i * c;
    const grey = c <= 2;
    rgba[i * 4] = img.data[s];
    rgba[i * 4 + 1] = grey ? img.data[s] : img.data[s + 1];
    rgba[i * 4 + 2] = grey ? img.data[s] : img.data[s + 2];
    rgba[i * 4 + 3] = 255;
  }
  try {
    const out = jpeg.encode({ width: img.width, height: img.height, data: rgba }, quality);
    return new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
  } catch (err) {
    throw new ImageCodecError(source, `JPEG: ${reasonOf(err)}`, 'encode');
  }
}
