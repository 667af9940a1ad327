/**
 * `@msflow/detector/browser`: the detector for pages and bundlers (no file system, no
 * onnxruntime-node): load a saved detector from bytes onto a backend and score pixels. Training
 * and export stay in the Node entry.
 *
 * @packageDocumentation
 */
export { Detector, type BrowserPrediction, type DetectorFiles } from './browser/detector.js';
export { DetectorError, UsageError, type DetectorErrorKind, type DetectorErrorOptions } from './errors.js';
export { rawImage, type PixelImage } from './data/images.js';
export { normalized, pickThreshold, type ChosenThreshold, type NormalThreshold, type ThresholdMode, type Thresholds } from './model/thresholds.js';
