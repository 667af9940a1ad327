import { checkPixelBudget, DEFAULT_MAX_PIXELS, ImageCodecError, preprocessImage, readImageHeader, type PreprocessedImage, type RawImage } from '@msflow/data/browser';
import { PageError } from './errors.js';

/** One image read by the page, resized as `msflow predict` resizes it. */
export interface PageImage extends PreprocessedImage {
  name: string;
  /** The file's own size, before the resize. */
  source: { width: number; height: number };
}

/**
 * Refuses a file whose header claims more than the pixel budget (the CLI's default), before the
 * browser's decoder allocates it: a 74-byte PNG can claim 30000x30000 pixels.
 */
async function checkHeader(file: File, maxPixels: number): Promise<void> {
  // The size sits in the first bytes (PNG) or after the EXIF and other segments (JPEG).
  const head = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
  let header;
  try {
    header = readImageHeader(head, file.name);
  } catch {
    throw new PageError('image', `${file.name} is not an image this page can read (expected a PNG or JPEG file)`);
  }
  try {
    checkPixelBudget(header, file.name, maxPixels, '');
  } catch (err) {
    throw new PageError('image', err instanceof ImageCodecError ? `${file.name}: ${err.reason}` : String(err));
  }
}

/** Decodes a picked file to RGBA samples with the browser's decoder (EXIF orientation applied), colours left as stored (also in workers). */
async function decodeFile(file: File): Promise<RawImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'from-image' });
  } catch {
    throw new PageError('image', `${file.name} is not an image this page can read (expected a PNG or JPEG file)`);
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { colorSpace: 'srgb' });
    if (!ctx) throw new PageError('internal', 'this browser has no 2D canvas to read pixels with');
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width: bitmap.width, height: bitmap.height, channels: 4, depth: 8, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    bitmap.close();
  }
}

/**
 * Reads an image file and applies the MSFlow input transform at `size` (Pillow-exact Lanczos,
 * values in [0, 1]); the backbone's normalisation comes later. A header over `maxPixels` (the
 * CLI's default budget) is refused before decoding.
 */
export async function readImageFile(file: File, size: [number, number], maxPixels = DEFAULT_MAX_PIXELS): Promise<PageImage> {
  if (file.type && !file.type.startsWith('image/')) {
    throw new PageError('image', `${file.name} is not an image (${file.type}); expected a PNG or JPEG file`);
  }
  await checkHeader(file, maxPixels);
  const raw = await decodeFile(file);
  return { name: file.name, source: { width: raw.width, height: raw.height }, ...preprocessImage(raw, { height: size[0], width: size[1] }, null) };
}
