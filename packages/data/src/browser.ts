/**
 * `@msflow/data/browser`: the parts of `@msflow/data` that touch no file system, for pages and
 * bundlers: the MSFlow image transform (Pillow-exact Lanczos resize, normalisation) and the
 * image-header check that refuses decompression bombs before decoding. Everything here is also
 * exported from `@msflow/data`.
 *
 * @packageDocumentation
 */
export type { RawImage, RgbImage, ChannelCount } from './io/raw_image.js';
export type { Label, DatasetEntry, Batch } from './datasets/types.js';
export { ImageCodecError } from './io/errors.js';
export { readImageHeader, checkPixelBudget, DEFAULT_MAX_PIXELS, type ImageHeader } from './io/image_header.js';
export { resizeLanczosU8, resizeLanczosF32 } from './image/lanczos.js';
export { IMAGENET, normalizeRgb8, type Normalization } from './image/normalize.js';
export { preprocessImage, toImageSize, type ImageSize, type SizeLike, type PreprocessedImage } from './image/preprocess.js';
