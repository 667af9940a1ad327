/**
 * PNG decode/encode on top of `pngjs` (pure JS). Grey, grey+alpha, RGB, RGBA and palette images,
 * bit depths 1-16; 16-bit images keep their 16 bits. Before pngjs sees a file, the chunk layout
 * is walked here: the header's size is checked against the pixel budget, the compressed data is
 * never inflated past the size the header implies, and bytes after IEND are ignored (as other
 * decoders do).
 */
import { inflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import type { PNG as PngType } from 'pngjs';
import { ImageCodecError, reasonOf } from './errors.js';
import { checkPixelBudget, isPng, readImageHeader, type DecodeOptions } from './image_header.js';
import { maxImagePixels } from './pixel_limit.js';
import { applyOrientation } from './orientation.js';
import { assertRawImage, type ChannelCount, type RawImage } from './raw_image.js';

export { isPng } from './image_header.js';

const { PNG } = pngjs;

const BITS_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Bytes the image data inflates to: one filter byte plus the packed samples per row, per pass when interlaced. */
function inflatedSize(width: number, height: number, depth: number, colorType: number, interlaced: boolean): number {
  const bits = (BITS_PER_PIXEL[colorType] ?? 4) * depth;
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (Math.ceil((w * bits) / 8) + 1) : 0);
  if (!interlaced) return rows(width, height);
  // Adam7: the seven passes' origins and steps.
  const passes = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];
  return passes.reduce((s, [x0, y0, dx, dy]) => s + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0);
}

/** Inflates the image data, stopping at `expected` bytes; throws when there is more. */
function checkInflatedSize(idat: Uint8Array[], expected: number, header: { width: number; height: number }, source: string): void {
  try {
    inflateSync(Buffer.concat(idat), { maxOutputLength: Math.max(1, expected) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ImageCodecError(source, `PNG: image data inflates to more than the ${expected} bytes its ${header.width}x${header.height} header implies`);
    }
    throw new ImageCodecError(source, `PNG: ${reasonOf(err)}`);
  }
}

/** The file up to the end of its IEND chunk, and its compressed image data; checks the chunk framing. */
function pngChunks(bytes: Uint8Array, source: string): { file: Uint8Array; idat: Uint8Array[] } {
  const idat: Uint8Array[] = [];
  let i = 8;
  while (i + 12 <= bytes.length) {
    const len = ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
    const type = String.fromCharCode(...bytes.subarray(i + 4, i + 8));
    const end = i + 12 + len;
    if (end > bytes.length) throw new ImageCodecError(source, `PNG: ${type} chunk runs past the end of the file (truncated file?)`);
    if (type === 'IDAT') idat.push(bytes.subarray(i + 8, i + 8 + len));
    if (type === 'IEND') return { file: bytes.subarray(0, end), idat };
    i = end;
  }
  throw new ImageCodecError(source, 'PNG: no IEND chunk (truncated file?)');
}

/**
 * Decodes a PNG file's bytes. Palette images become RGB (RGBA if they have transparency); bit
 * depths below 8 are scaled to 8 bits; 16-bit images are returned with `depth: 16`. An `eXIf`
 * orientation is applied (as for JPEG's EXIF).
 *
 * @param source names the file in errors.
 * @throws {@link ImageCodecError} naming `source` when the bytes are not a valid PNG, or its
 *   header is over the pixel budget.
 * @example
 * ```ts
 * const img = decodePng(readFileSync('mask.png'), 'mask.png'); // { width, height, channels: 1, depth: 8, data }
 * ```
 */
export function decodePng(bytes: Uint8Array, source = 'PNG data', options: DecodeOptions = {}): RawImage {
  if (!isPng(bytes)) throw new ImageCodecError(source, 'PNG: missing PNG signature');
  const header = readImageHeader(bytes, source);
  checkPixelBudget(header, source, options.maxPixels ?? maxImagePixels());
  const depth = bytes[24];
  const colorType = bytes[25];
  const interlaced = bytes[28] === 1;
  const { file, idat } = pngChunks(bytes, source);
  const expected = inflatedSize(header.width, header.height, depth, colorType, interlaced);
  // pngjs inflates interlaced data without a limit, so that is checked first; non-interlaced
  // data pngjs stops at the expected size, and fails when there is more (then checked here only
  // to say so plainly).
  if (interlaced) checkInflatedSize(idat, expected, header, source);
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
    png = PNG.sync.read(buf, { skipRescale: depth === 16 });
  } catch (err) {
    if (!interlaced) checkInflatedSize(idat, expected, header, source);
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
  // An eXIf orientation turns the pixels upright, as browsers and Pillow's exif_transpose show them.
  return applyOrientation({ width, height, channels, depth: depth === 16 ? 16 : 8, data: out }, header.orientation);
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
