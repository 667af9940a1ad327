/**
 * `@msflow/detector`: MSFlow anomaly detection as a library. Fit a {@link Detector} on a folder
 * of normal images, score new images, save, load, export to ONNX (and Triton). The `msflow`
 * CLI is a shell over it.
 *
 * @example
 * ```ts
 * import { Detector } from '@msflow/detector';
 *
 * const d = await Detector.fit({ train: 'data/synth_woven/train/good' });
 * const [r] = await d.predict('data/synth_woven/test/crack/000.png');
 * console.log(r.score, r.label);
 * ```
 *
 * @packageDocumentation
 */
export { Detector, type DetectorEvaluation, type LoadOptions, type Prediction, type PredictOptions } from './detector.js';
export { DetectorError, UsageError, type DetectorErrorKind, type DetectorErrorOptions } from './errors.js';
export type { FitOptions } from './run/fit_options.js';
export { fitParts, type DetectorParts, type FeaturesReady, type FitEvent, type FitHooks, type FitRequest, type FitResult } from './run/fit.js';
export { resolveFitRequest } from './run/fit_options.js';
export { extractSets, openBackbone, type FeatureJob } from './run/features.js';

// Where the work runs.
export { ExecutionPlan, CheckedPlan, describePlan, type PlanOptions, type PlanStage, type PlanSummary, type Scoring, type TrainerChoice } from './plan/plan.js';
export { activeBackend, onBackend, registerInstalledBackends, startBackend, useBackend, type PackageLoad } from './plan/backends.js';

// The backbone and images.
export { backboneIdentity, checkBackboneFits, createFrozenBackbone, resolveModelConfig, type BackboneChoice } from './backbone/backbone.js';
export { FeatureExtractor, type ExtractedSet, type ExtractorPlacement, type ImageSource } from './backbone/extractor.js';
export { pixelImages, rawImage, type ImageInput, type PixelImage } from './data/images.js';
export { DATASET_KINDS, hasTestSplit, imagesDataset, listClasses, openSplit, type DatasetKind, type DatasetRef, type OpenOptions } from './data/dataset.js';
export { normalSplit, splitIndices, subsetFeatures } from './data/features.js';
export { ShiftedFeatures, type ShiftedFeaturesOptions } from './data/shifted_features.js';
export { writeSyntheticDataset } from './data/synth.js';

// Checkpoints, thresholds, export, reports.
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
export { saveParts } from './model/save.js';
export {
  DEFAULT_FPR,
  DEFAULT_VAL_SPLIT,
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
export { heldOutNormals, recalibrate } from './model/calibrate.js';
export { exportDetector, float32Below, type ExportOptions, type ExportResult } from './model/export.js';
export { tritonConfig, writeTritonModel, type TritonModel } from './model/triton.js';
export { decisionOn, HEADLINE_METRICS, scoreEvaluation, writeEvaluationReport, type ReportFiles, type ReportInput } from './report/report.js';
