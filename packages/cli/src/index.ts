/**
 * `@msflow/cli`: the `msflow` command, a shell over `@msflow/detector` (flags to options,
 * printing, exit codes), and the node-side helpers it is built from.
 *
 * @packageDocumentation
 */
export { main, buildProgram } from './main.js';
export { writeFileAtomic, writeJsonAtomic, createRunDir } from './util/files.js';
export { CliError, UsageError, describeError, flagOf } from './util/errors.js';

// `msflow train` for one class, for harnesses that drive it (the accuracy benchmark in apps/bench).
export { trainClass, type TrainOutcome, type TrainContext } from './pipeline/train.js';
export { resolveTrainSettings, type TrainFlags, type TrainSettings } from './pipeline/settings.js';
export { createOutput, type Output, type Progress } from './util/output.js';
