/**
 * `@msflow/cli`: the `msflow` command, and the node-side helpers it is built from.
 *
 * @packageDocumentation
 */
export { main, buildProgram } from './main.js';
export { registerInstalledBackends, useBackend, listClasses, openSplit, type DatasetKind, type DatasetRef, DATASET_KINDS, type ExtractedSet } from '@msflow/detector';
export { writeFileAtomic, writeJsonAtomic, createRunDir } from './util/files.js';
export { CliError, UsageError } from './util/errors.js';

// The training pipeline, for harnesses that drive it (the accuracy benchmark in apps/bench).
export { trainClass, type TrainOutcome, type TrainContext, type FeaturesReady } from './pipeline/train.js';
export { resolveTrainSettings, type TrainFlags, type TrainSettings } from './pipeline/settings.js';
export { createOutput, type Output, type Progress } from './util/output.js';
