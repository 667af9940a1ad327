/**
 * Encoding and atomic writing of {@link RgbImage}s as PNG.
 */
import { encodePng, writeFileAtomicSync, type RgbImage } from '@msflow/data';

/**
 * PNG bytes of an 8-bit RGB image.
 *
 * @example
 * ```ts
 * const bytes = rgbToPng(sheet);
 * ```
 */
export function rgbToPng(img: RgbImage): Uint8Array {
  return encodePng({ width: img.width, height: img.height, channels: 3, depth: 8, data: img.data });
}

/**
 * Writes an RGB image as PNG, atomically (temp file + rename).
 *
 * @example
 * ```ts
 * writeRgbPng('runs/x/contact_sheet.png', sheet);
 * ```
 */
export function writeRgbPng(path: string, img: RgbImage): void {
  writeFileAtomicSync(path, rgbToPng(img));
}
