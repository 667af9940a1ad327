/**
 * `@msflow/detector/browser`: the parts of the detector that touch no file system and no native
 * runtime, for pages and workers that train or score in a browser: the validation split and the
 * threshold a checkpoint stores, decided exactly as `msflow train` decides them.
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
export { DEFAULT_VAL_SPLIT, normalSplit, splitIndices, subsetFeatures } from './data/features.js';
export { DEFAULT_FPR, describeNormalThreshold, normalThreshold, pickThreshold, type ChosenThreshold, type NormalThreshold, type Thresholds } from './model/thresholds.js';
