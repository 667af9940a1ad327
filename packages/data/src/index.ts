/**
 * `@msflow/data`: what goes into the model, and what lives on disk around it: image I/O (PNG,
 * JPEG, EXIF orientation, decompression-bomb checks, atomic writes, file sets, run-folder locks),
 * the MSFlow input transform (Pillow-exact Lanczos, normalisation), datasets (MVTec AD, VisA,
 * folders), synthetic anomaly classes, backbone weight files and float16 feature caches.
 * Metrics, visualisation and reports are in `@msflow/eval`.
 *
 * @packageDocumentation
 */

// Image I/O
export type { RawImage, RgbImage, ChannelCount } from './io/raw_image.js';
export { assertRawImage } from './io/raw_image.js';
export { ImageCodecError, FileIoError, asFileIoError } from './io/errors.js';
export { decodePng, encodePng, isPng, type PngEncodeOptions } from './io/png.js';
export { decodeJpeg, encodeJpeg, isJpeg } from './io/jpeg.js';
export { readImageHeader, checkPixelBudget, DEFAULT_MAX_PIXELS, type ImageHeader, type DecodeOptions } from './io/image_header.js';
export { maxImagePixels } from './io/pixel_limit.js';
export { applyOrientation } from './io/orientation.js';
export { decodeImage, readImage, readImageSync, writeImage, writeImageSync, encodeImageFor, isImageFile, IMAGE_EXTENSIONS } from './io/codec.js';
export { writeFileAtomic, writeFileAtomicSync } from './io/atomic.js';
export { nodeFileOps, type FileOps } from './io/fs_ops.js';
export { writeFileSet, recoverFileSet, fileSetPath, readFileSet } from './io/file_set.js';
export { acquireLock, processAlive, LockedError, LOCK_FILE, type FolderLock, type LockOwner } from './io/lock.js';

// Image transforms
export { lanczos3, lanczosCoefficients, resizeLanczosU8, resizeLanczosF32, type AxisCoefficients } from './image/lanczos.js';
export { resizeNearest, nearestIndices } from './image/nearest.js';
export { IMAGENET, IMAGENET_MEAN, IMAGENET_STD, normalizeRgb8, normalizeRgbFloat, denormalizeToRgb8, type Normalization } from './image/normalize.js';
export { preprocessImage, preprocessMask, binaryMask, toImageSize, type ImageSize, type SizeLike, type PreprocessedImage } from './image/preprocess.js';
export { translateImages, randomShifts, type Shift } from './image/translate.js';

// Datasets
export type { Label, DatasetEntry, Sample, Batch } from './datasets/types.js';
export { DatasetError, DatasetScanError, type ScanProblem } from './datasets/errors.js';
export { ImageDataset, type DatasetOptions, type DatasetSpec, type IterateOptions, type BatchOptions, type ScanReport } from './datasets/dataset.js';
export { mvtecDataset, visaDataset, type LayoutDatasetOptions, type Split } from './datasets/mvtec.js';
export { folderDataset, type FolderDatasetOptions } from './datasets/folder.js';

// Synthetic anomalies
export { PerlinNoise } from './synth/noise.js';
export { Canvas, type Rgb } from './synth/canvas.js';
export { SCENE_FAMILIES, drawClassStyle, renderScene, type SceneFamily, type TextureFamily, type ObjectShape, type ClassStyle, type Scene } from './synth/scenes.js';
export { ANOMALY_KINDS, ANOMALY_SIZES, paintAnomaly, type AnomalyKind, type AnomalySize } from './synth/anomalies.js';
export { generateSyntheticClass, deriveSeed, type SyntheticClassOptions, type SyntheticImage, type SyntheticClass } from './synth/generate.js';
export { writeSyntheticClass, type WriteSyntheticOptions, type WrittenClass } from './synth/write.js';

// Backbone weights
export * from './weights/index.js';

// Feature caches
export { Float16CacheWriter, openFloat16Cache } from './features/float16_cache.js';
export { cacheFeatures, concatFeatureSets, type CacheFeaturesOptions, type CachedFeatures } from './features/store.js';
