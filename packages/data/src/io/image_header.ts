/**
 * What an image file's header says, read before any pixel is decoded: the format, the size and
 * (JPEG) the EXIF orientation. The decoders check the size against a pixel budget here, so a
 * 74-byte file claiming 30000x30000 pixels is refused before anything is allocated. No file
 * system: the browser page uses it too.
 */
import { ImageCodecError } from './errors.js';

/**
 * Default pixel budget (width x height) of one decoded image: 100 megapixels, ten times the
 * largest MVTec AD / VisA image and well above a line-scan inspection frame.
 */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Options of the decoders. */
export interface DecodeOptions {
  /** Largest width x height accepted (default: `MSFLOW_MAX_PIXELS`, else {@link DEFAULT_MAX_PIXELS}). */
  maxPixels?: number;
}

/** An image file's header. */
export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
  /** EXIF orientation 1-8 (1: as stored): a JPEG's APP1 EXIF or a PNG's `eXIf` chunk; files without one give 1. */
  orientation: number;
  /** Colour components of a JPEG frame (1 grey, 3 colour); for PNG the samples per pixel. */
  components: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

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
  for (let i = 0; i < 8; i++) if (bytes[i] !== PNG_SIGNATURE[i]) return false;
  return true;
}

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

const u16 = (b: Uint8Array, i: number, little = false) => (little ? b[i] | (b[i + 1] << 8) : (b[i] << 8) | b[i + 1]);
const u32 = (b: Uint8Array, i: number, little = false) =>
  (little ? (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16)) + b[i + 3] * 2 ** 24 : b[i] * 2 ** 24 + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3])) >>> 0;

const PNG_SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

/**
 * The orientation in a PNG's `eXIf` chunk (PNG 1.5 extensions: a TIFF structure, before the image
 * data), or 1. Chunk framing errors are left to the decoder, which checks every chunk.
 */
function pngOrientation(b: Uint8Array): number {
  let i = 33;
  while (i + 8 <= b.length) {
    const len = u32(b, i);
    const type = String.fromCharCode(...b.subarray(i + 4, i + 8));
    if (type === 'IDAT' || type === 'IEND') return 1;
    const start = i + 8;
    const end = Math.min(start + len, b.length);
    // Some writers keep JPEG's "Exif\0\0" prefix in the chunk; Pillow reads both.
    if (type === 'eXIf') return tiffOrientation(b, hasExifPrefix(b, start, end) ? start + 6 : start, end);
    i = start + len + 4;
  }
  return 1;
}

function pngHeader(bytes: Uint8Array, source: string): ImageHeader {
  if (bytes.length < 33) throw new ImageCodecError(source, 'PNG: truncated header');
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (u32(bytes, 8) !== 13 || type !== 'IHDR') throw new ImageCodecError(source, 'PNG: the first chunk is not a 13-byte IHDR header');
  return { format: 'png', width: u32(bytes, 16), height: u32(bytes, 20), orientation: pngOrientation(bytes), components: PNG_SAMPLES[bytes[25]] ?? 0 };
}

const hasExifPrefix = (b: Uint8Array, start: number, end: number) => end - start >= 6 && String.fromCharCode(...b.subarray(start, start + 6)) === 'Exif\0\0';

/** The EXIF orientation in an APP1 segment's payload (`Exif\0\0` + TIFF), or 1. */
function exifOrientation(b: Uint8Array, start: number, end: number): number {
  return end - start >= 14 && hasExifPrefix(b, start, end) ? tiffOrientation(b, start + 6, end) : 1;
}

/** The orientation tag (0x0112) of the first IFD of the TIFF structure at `tiff`, or 1. */
function tiffOrientation(b: Uint8Array, tiff: number, end: number): number {
  if (end - tiff < 8) return 1;
  const little = b[tiff] === 0x49 && b[tiff + 1] === 0x49;
  if (!little && !(b[tiff] === 0x4d && b[tiff + 1] === 0x4d)) return 1;
  if (u16(b, tiff + 2, little) !== 42) return 1;
  const ifd = tiff + u32(b, tiff + 4, little);
  if (ifd + 2 > end) return 1;
  const count = u16(b, ifd, little);
  for (let k = 0; k < count; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > end) return 1;
    if (u16(b, e, little) === 0x0112 && u16(b, e + 2, little) === 3) {
      const o = u16(b, e + 8, little);
      return o >= 1 && o <= 8 ? o : 1;
    }
  }
  return 1;
}

function jpegHeader(bytes: Uint8Array, source: string): ImageHeader {
  let orientation = 1;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) throw new ImageCodecError(source, `JPEG: expected a marker at byte ${i}`);
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    // Markers without a length: TEM, RST0-7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // EOI or scan data before any frame header
    const len = u16(bytes, i + 2);
    if (len < 2) throw new ImageCodecError(source, `JPEG: segment at byte ${i} has length ${len}`);
    const end = i + 2 + len;
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 10 > bytes.length) break;
      return { format: 'jpeg', height: u16(bytes, i + 5), width: u16(bytes, i + 7), orientation, components: bytes[i + 9] };
    }
    if (marker === 0xe1 && orientation === 1) orientation = exifOrientation(bytes, i + 4, Math.min(end, bytes.length));
    i = end;
  }
  throw new ImageCodecError(source, 'JPEG: no frame header (SOF) before the image data; truncated file?');
}

/**
 * Reads the format, size and orientation from the first bytes of a PNG or JPEG file.
 *
 * @throws {@link ImageCodecError} naming `source` for other formats and unreadable headers.
 * @example
 * ```ts
 * const { width, height } = readImageHeader(bytes, 'part.png');
 * ```
 */
export function readImageHeader(bytes: Uint8Array, source = 'image data'): ImageHeader {
  if (isPng(bytes)) return pngHeader(bytes, source);
  if (isJpeg(bytes)) return jpegHeader(bytes, source);
  if (bytes.length === 0) throw new ImageCodecError(source, 'empty file');
  throw new ImageCodecError(source, 'unsupported image format (expected PNG or JPEG)');
}

/**
 * Refuses a header whose size is empty or above `maxPixels` (width x height), before decoding.
 *
 * @param hint how to raise the limit, for the message (empty: none).
 * @throws {@link ImageCodecError} naming `source`, the size and the limit.
 * @example
 * ```ts
 * checkPixelBudget(readImageHeader(bytes, 'a.png'), 'a.png'); // throws for 30000x30000
 * ```
 */
export function checkPixelBudget(header: Pick<ImageHeader, 'format' | 'width' | 'height'>, source: string, maxPixels = DEFAULT_MAX_PIXELS, hint = 'MSFLOW_MAX_PIXELS raises it'): void {
  const { width, height } = header;
  const format = header.format.toUpperCase();
  if (!(width >= 1 && height >= 1)) throw new ImageCodecError(source, `${format}: header says ${width}x${height} pixels (width and height must be at least 1)`);
  if (width * height > maxPixels) {
    const mp = (n: number) => `${n >= 1e8 ? Math.round(n / 1e6) : Number((n / 1e6).toPrecision(3))} megapixels`;
    throw new ImageCodecError(source, `${format}: header says ${width}x${height} = ${mp(width * height)}, over the limit of ${mp(maxPixels)} per image${hint ? ` (${hint})` : ''}`);
  }
}
