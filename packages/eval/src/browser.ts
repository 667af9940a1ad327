/**
 * `@msflow/eval/browser`: the parts of `@msflow/eval` that touch no file system, for pages and
 * bundlers: the MSFlow image transform (Pillow-exact Lanczos resize, normalisation) and heatmap
 * overlays, and the image-header check that refuses decompression bombs before decoding. Everything here is also exported from `@msflow/eval`.
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
export { heatmapOverlay, defectOverlay, drawContour, thresholdMap, valueRange, type OverlayOptions, type DefectOverlayOptions } from './viz/overlay.js';
export { jet, JET_LUT } from './viz/colormap.js';
export { f1Max, type F1Max } from './metrics/f1.js';
