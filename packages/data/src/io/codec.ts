/**
 * Format-sniffing image read/write: PNG and JPEG, chosen by content when reading and by file
 * extension when writing.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from './atomic.js';
import { ImageCodecError, reasonOf } from './errors.js';
import { isJpeg, isPng, type DecodeOptions } from './image_header.js';
import { decodeJpeg, encodeJpeg } from './jpeg.js';
import { decodePng, encodePng } from './png.js';
import type { RawImage } from './raw_image.js';

/** File extensions the datasets treat as images (lower case, with the dot). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

/**
 * True when `name` has an image extension (case-insensitive).
 *
 * @example
 * ```ts
 * isImageFile('000.PNG'); // true
 * ```
 */
export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

/**
 * Decodes PNG or JPEG bytes, recognised by their signature (not by the file name). The header's
 * size is checked against the pixel budget (`options.maxPixels`, else `MSFLOW_MAX_PIXELS`, else
 * 100 megapixels) before anything is inflated.
 *
 * @throws {@link ImageCodecError} naming `source` for unknown formats, corrupt files and images
 *   over the budget.
 * @example
 * ```ts
 * const img = decodeImage(bytes, 'test/crack/001.png');
 * ```
 */
export function decodeImage(bytes: Uint8Array, source = 'image data', options: DecodeOptions = {}): RawImage {
  if (isPng(bytes)) return decodePng(bytes, source, options);
  if (isJpeg(bytes)) return decodeJpeg(bytes, source, options);
  if (bytes.length === 0) throw new ImageCodecError(source, 'empty file');
  throw new ImageCodecError(source, 'unsupported image format (expected PNG or JPEG)');
}

/**
 * Reads and decodes an image file.
 *
 * @example
 * ```ts
 * const img = readImageSync('/data/tire/train/good/000.png');
 * ```
 */
export function readImageSync(path: string): RawImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new ImageCodecError(path, reasonOf(err), 'read');
  }
  return decodeImage(bytes, path);
}

/**
 * Async {@link readImageSync} (the read is async; decoding is synchronous JS).
 *
 * @example
 * ```ts
 * const img = await readImage('/data/tire/train/good/000.png');
 * ```
 */
export async function readImage(path: string): Promise<RawImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ImageCodecError(path, reasonOf(err), 'read');
  }
  return decodeImage(bytes, path);
}

/**
 * Encodes by the extension of `path`: `.png`, or `.jpg`/`.jpeg` (quality 92).
 *
 * @example
 * ```ts
 * const bytes = encodeImageFor('out.png', img);
 * ```
 */
export function encodeImageFor(path: string, img: RawImage): Uint8Array {
  const ext = extname(path).toLowerCase();
  if (ext === '.png') return encodePng(img, {}, path);
  if (ext === '.jpg' || ext === '.jpeg') return encodeJpeg(img, 92, path);
  throw new ImageCodecError(path, `unsupported output extension '${ext}' (expected .png, .jpg or .jpeg)`, 'encode');
}

/**
 * Encodes and writes an image atomically (format from the extension).
 *
 * @example
 * ```ts
 * writeImageSync('out/heatmap.png', { width, height, channels: 3, depth: 8, data: rgb });
 * ```
 */
export function writeImageSync(path: string, img: RawImage): void {
  writeFileAtomicSync(path, encodeImageFor(path, img));
}

/**
 * Async {@link writeImageSync}.
 *
 * @example
 * ```ts
 * await writeImage('out/heatmap.png', img);
 * ```
 */
export async function writeImage(path: string, img: RawImage): Promise<void> {
  await writeFileAtomic(path, encodeImageFor(path, img));
}
