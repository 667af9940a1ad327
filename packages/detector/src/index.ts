/**
 * `@msflow/detector`: MSFlow anomaly detection as a library (the `msflow` CLI is its shell).
 *
 * @packageDocumentation
 */
export { DetectorError, UsageError, type DetectorErrorKind } from './errors.js';
export { registerInstalledBackends, useBackend, type PackageLoad } from './plan/backends.js';
export { computePaths, type ComputeChoice, type ComputePaths, type Scoring, type TrainerChoice } from './plan/compiled_paths.js';
export { backboneIdentity, createFrozenBackbone, type BackboneChoice } from './backbone/backbone.js';
export { FeatureExtractor, type ExtractedSet } from './backbone/extractor.js';
export { DATASET_KINDS, hasTestSplit, imagesDataset, listClasses, openSplit, type DatasetKind, type DatasetRef, type OpenOptions } from './data/dataset.js';
export { DEFAULT_VAL_SPLIT, normalSplit, splitIndices, subsetFeatures } from './data/features.js';
export { ShiftedFeatures, type ShiftedFeaturesOptions } from './data/shifted_features.js';
export { writeSyntheticDataset } from './data/synth.js';
export {
  canonical,
  CHECKPOINT_STEM,
  checkpointPaths,
  checkpointStem,
  lockRun,
  readCheckpoint,
  updateCliInfo,
  writeCheckpoint,
  type CheckpointPaths,
  type CliSidecarInfo,
  type LoadedCheckpoint,
  type Sidecar,
  type WriteCheckpointOptions,
} from './model/checkpoint.js';
export { checkCliInfo } from './model/cli_info.js';
export {
  DEFAULT_FPR,
  describeNormalThreshold,
  f1Threshold,
  missingThreshold,
  normalized,
  normalThreshold,
  pickThreshold,
  quantile,
  thresholdOnSet,
  type ChosenThreshold,
  type NormalThreshold,
  type ThresholdMode,
  type Thresholds,
} from './model/thresholds.js';
export { recalibrate } from './model/calibrate.js';
export { exportCheckpoint, float32Below, type ExportOptions } from './model/export.js';
