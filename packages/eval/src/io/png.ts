/**
 * PNG decode/encode on top of `pngjs` (pure JS). Grey, grey+alpha, RGB, RGBA and palette images,
 * bit depths 1-16; 16-bit images keep their 16 bits.
 */
import pngjs from 'pngjs';
import type { PNG as PngType } from 'pngjs';
import { ImageCodecError, reasonOf } from './errors.js';
import { assertRawImage, type ChannelCount, type RawImage } from './raw_image.js';

const { PNG } = pngjs;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * True when `bytes` starts with the PNG signature.
 *
 * @example
 * ```ts
 * isPng(readFileSync('a.png')); // true
 * ```
 */
export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) return false;
  return true;
}

/**
 * Decodes a PNG file's bytes. Palette images become RGB (RGBA if they have transparency); bit
 * depths below 8 are scaled to 8 bits; 16-bit images are returned with `depth: 16`.
 *
 * @param source names the file in errors.
 * @throws {@link ImageCodecError} naming `source` when the bytes are not a valid PNG.
 * @example
 * ```ts
 * const img = decodePng(readFileSync('mask.png'), 'mask.png'); // { width, height, channels: 1, depth: 8, data }
 * ```
 */
export function decodePng(bytes: Uint8Array, source = 'PNG data'): RawImage {
  if (!isPng(bytes)) throw new ImageCodecError(source, 'PNG: missing PNG signature');
  if (bytes.length < 33) throw new ImageCodecError(source, 'PNG: truncated header');
  const depth = bytes[24];
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    png = PNG.sync.read(buf, { skipRescale: depth === 16 });
  } catch (err) {
    throw new ImageCodecError(source, `PNG: ${reasonOf(err)}`);
  }
  const { width, height } = png;
  const channels: ChannelCount = png.color ? (png.alpha ? 4 : 3) : png.alpha ? 2 : 1;
  const rgba = png.data as unknown as Uint8Array | Uint16Array;
  const n = width * height;
  if (rgba.length < n * 4) throw new ImageCodecError(source, 'PNG: truncated image data');
  const out = depth === 16 ? new Uint16Array(n * channels) : new Uint8Array(n * channels);
  if (channels === 4) {
    out.set(rgba.subarray(0, n * 4));
  } else {
    // pngjs expands everything to RGBA; pick the channels the file really has.
    const pick = channels === 1 ? [0] : channels === 2 ? [0, 3] : [0, 1, 2];
    for (let i = 0, o = 0; i < n; i++) {
      const b = i * 4;
      for (let c = 0; c < pick.length; c++) out[o++] = rgba[b + pick[c]];
    }
  }
  return { width, height, channels, depth: depth === 16 ? 16 : 8, data: out };
}

const COLOR_TYPE: Record<ChannelCount, 0 | 2 | 4 | 6> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/** Options for {@link encodePng}. */
export interface PngEncodeOptions {
  /** zlib level 0-9 (default 6). */
  level?: number;
}

/**
 * Encodes a {@link RawImage} (8 or 16 bits, 1-4 channels) as PNG bytes.
 *
 * @example
 * ```ts
 * const bytes = encodePng({ width: 2, height: 2, channels: 1, depth: 8, data: Uint8Array.of(0, 255, 255, 0) });
 * ```
 */
export function encodePng(img: RawImage, options: PngEncodeOptions = {}, source = 'PNG output'): Uint8Array {
  assertRawImage(img, source);
  const colorType = COLOR_TYPE[img.channels];
  let data: Buffer;
  if (img.depth === 16) {
    // pngjs reads 16-bit input as host-order Uint16 and writes big-endian.
    const copy = new Uint16Array(img.data);
    data = Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
  } else {
    data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  }
  try {
    const meta = { width: img.width, height: img.height, data, gamma: 0 } as unknown as PngType;
    const out = PNG.sync.write(meta, {
      colorType,
      inputColorType: colorType,
      bitDepth: img.depth,
      inputHasAlpha: img.channels === 2 || img.channels === 4,
      deflateLevel: options.level ?? 6,
    });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new ImageCodecError(source, `PNG: ${reasonOf(err)}`, 'encode');
  }
}
