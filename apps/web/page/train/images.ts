import { readImageFile, type PageImage } from '../decode.js';
import { PageError } from '../errors.js';
import { MIN_TRAIN_IMAGES } from './settings.js';

const IMAGE_NAME = /\.(png|jpe?g)$/i;

/** Files that may be images (by type, or by name when the browser gives no type), sorted by name as `msflow train` lists a folder. */
export function imageCandidates(files: readonly File[]): { images: File[]; ignored: string[] } {
  const images: File[] = [];
  const ignored: string[] = [];
  for (const f of files) {
    if (f.type ? f.type.startsWith('image/') : IMAGE_NAME.test(f.name)) images.push(f);
    else ignored.push(f.name);
  }
  images.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { images, ignored };
}

/**
 * Decodes and resizes the training images; refuses a file that does not decode, too few
 * images, and images of different sizes (the page does not guess how to crop them alike).
 */
export async function readTrainingImages(files: readonly File[], size: number, onProgress: (done: number) => void): Promise<PageImage[]> {
  if (files.length < MIN_TRAIN_IMAGES) {
    throw new PageError('image', `${files.length} normal image${files.length === 1 ? '' : 's'} to train on: at least ${MIN_TRAIN_IMAGES} are needed (more give a better model and threshold)`);
  }
  const out: PageImage[] = [];
  for (const f of files) {
    const img = await readImageFile(f, [size, size]);
    const first = out[0]?.source ?? img.source;
    if (img.source.width !== first.width || img.source.height !== first.height) {
      throw new PageError('image', `the training images differ in size: ${out[0].name} is ${first.width}x${first.height}, ${f.name} is ${img.source.width}x${img.source.height} (train on images of one size, cropped alike)`);
    }
    out.push(img);
    onProgress(out.length);
  }
  return out;
}

/** Decodes the optional test images (any size: each is resized to the input, as `msflow predict` does). */
export async function readTestImages(files: readonly File[], size: number): Promise<PageImage[]> {
  const out: PageImage[] = [];
  for (const f of files) out.push(await readImageFile(f, [size, size]));
  return out;
}
