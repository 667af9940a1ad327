/**
 * JPEG decode/encode on top of `jpeg-js` (pure JS, baseline and progressive).
 */
import jpeg from 'jpeg-js';
import { ImageCodecError, reasonOf } from './errors.js';
import type { RawImage } from './raw_image.js';

/**
 * True when `bytes` starts with the JPEG SOI marker.
 *
 * @example
 * ```ts
 * isJpeg(readFileSync('a.jpg')); // true
 * ```
 */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** Number of colour components in the first SOFn frame header, or 0 if none is found. */
function jpegComponents(bytes: Uint8Array): number {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return 0;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = (bytes[i + 2] << 8) | bytes[i + 3];
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return bytes[i + 9];
    i += 2 + len;
  }
  return 0;
}

/**
 * Decodes JPEG bytes. Single-component (greyscale) files give `channels: 1`, others RGB.
 * Decoding is strict: a truncated or corrupt entropy-coded segment is an error.
 *
 * @param source names the file in errors.
 * @throws {@link ImageCodecError} naming `source`.
 * @example
 * ```ts
 * const img = decodeJpeg(readFileSync('tile.jpg'), 'tile.jpg');
 * ```
 */
export function decodeJpeg(bytes: Uint8Array, source = 'JPEG data'): RawImage {
  if (!isJpeg(bytes)) throw new ImageCodecError(source, 'JPEG: missing SOI marker');
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxMemoryUsageInMB: 2048 });
  } catch (err) {
    throw new ImageCodecError(source, `JPEG: ${reasonOf(err)}`);
  }
  const { width, height, data } = decoded;
  if (!(width > 0 && height > 0) || data.length !== width * height * 3) {
    throw new ImageCodecError(source, 'JPEG: decoder returned no image data');
  }
  if (jpegComponents(bytes) === 1) {
    const grey = new Uint8Array(width * height);
    for (let i = 0; i < grey.length; i++) grey[i] = data[i * 3];
    return { width, height, channels: 1, depth: 8, data: grey };
  }
  return { width, height, channels: 3, depth: 8, data };
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
