/**
 * `@msflow/detector/browser`: the detector for pages, workers and bundlers (no file system, no
 * onnxruntime-node): load a saved detector from bytes onto a backend and score pixels, and, for a
 * page that trains, the validation split and the thresholds a checkpoint stores, decided exactly
 * as `msflow train` decides them. Export stays in the Node entry.
 *
 * @example
 * ```ts
 * import { DEFAULT_FPR, DEFAULT_VAL_SPLIT, normalSplit, normalThreshold } from '@msflow/detector/browser';
 *
 * const split = normalSplit(features.count, DEFAULT_VAL_SPLIT, config.seed, false);
 * const normal = normalThreshold(await evaluate(model, validation), DEFAULT_FPR, 'validation');
 * ```
 *
 * @packageDocumentation
 */
export { Detector, decodeBackboneWeights, type BrowserPrediction, type DetectorFiles } from './browser/detector.js';
export { DetectorError, UsageError, type DetectorErrorKind, type DetectorErrorOptions } from './errors.js';
export { rawImage, type PixelImage } from './data/images.js';
export { normalSplit, splitIndices, subsetFeatures } from './data/features.js';
export {
  DEFAULT_FPR,
  DEFAULT_VAL_SPLIT,
  describeNormalThreshold,
  normalized,
  normalThreshold,
  pickThreshold,
  type ChosenThreshold,
  type NormalThreshold,
  type ThresholdMode,
  type Thresholds,
} from './model/thresholds.js';
