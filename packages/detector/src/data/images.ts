import { preprocessImage, type Batch, type ChannelCount, type DatasetEntry, type ImageSize, type RawImage } from '@msflow/data/browser';
import { UsageError } from '../errors.js';
import type { ImageSource } from '../backbone/extractor.js';

/**
 * An image already in memory: 8-bit samples, row-major, `height * width * channels` values
 * (`channels` 3 for RGB, 4 for RGBA such as a canvas's `ImageData`, 1 for grey; default: from
 * the length).
 */
export interface PixelImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  channels?: 1 | 3 | 4;
}

/** What `predict` takes: a file path (Node), or pixels. */
export type ImageInput = string | PixelImage;

/** A {@link PixelImage} as a decoded image, checked. */
export function rawImage(image: PixelImage, name: string): RawImage {
  const px = image.width * image.height;
  const channels = image.channels ?? (image.data.length / Math.max(1, px));
  if (!Number.isInteger(image.width) || !Number.isInteger(image.height) || px <= 0 || ![1, 3, 4].includes(channels) || image.data.length !== px * channels) {
    throw new UsageError(`${name}: expected ${image.width}x${image.height} 8-bit pixels with 1, 3 or 4 channels, got ${image.data.length} values`, { option: 'images' });
  }
  const data = image.data instanceof Uint8Array ? image.data : new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length);
  return { width: image.width, height: image.height, channels: channels as ChannelCount, depth: 8, data };
}

/**
 * Images in memory as an {@link ImageSource}: resized with the datasets' transform (Pillow-exact
 * Lanczos), RGB in [0, 1]; the backbone normalises them itself.
 *
 * @example
 * ```ts
 * const source = pixelImages([{ width: 2, height: 2, data: new Uint8Array(12) }], { height: 64, width: 64 });
 * ```
 */
export function pixelImages(images: readonly PixelImage[], size: ImageSize, options: { keepRgb?: boolean; names?: readonly string[] } = {}): ImageSource {
  const raws = images.map((im, i) => rawImage(im, options.names?.[i] ?? `image ${i}`));
  const entries: DatasetEntry[] = raws.map((r, i) => ({ path: options.names?.[i] ?? `image ${i}`, type: 'unknown', label: 0, index: i, originalSize: { height: r.height, width: r.width } }));
  const px = size.height * size.width;
  return {
    size,
    length: raws.length,
    entries,
    hasMasks: false,
    normalization: null,
    labels: () => new Uint8Array(raws.length),
    async *batches(batchSize: number): AsyncGenerator<Batch> {
      for (let start = 0; start < raws.length; start += batchSize) {
        const part = raws.slice(start, start + batchSize);
        const batch: Batch = { images: new Float32Array(part.length * px * 3), labels: new Uint8Array(part.length), entries: entries.slice(start, start + part.length), size: part.length, height: size.height, width: size.width };
        if (options.keepRgb) batch.rgb = new Uint8Array(part.length * px * 3);
        part.forEach((raw, b) => {
          const pre = preprocessImage(raw, size, null);
          batch.images.set(pre.image, b * px * 3);
          batch.rgb?.set(pre.rgb, b * px * 3);
        });
        yield batch;
      }
    },
  } as ImageSource;
}
