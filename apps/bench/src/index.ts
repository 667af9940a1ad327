/**
 * `@msflow/bench`: backend benchmarks (op micro benchmarks with FLOP counts and share of the
 * machine's peak) and their JSON, Markdown and SVG reports.
 *
 * @packageDocumentation
 */
export { runBench, modelPlan, type BenchOptions } from './run.js';
export { describeMachine, vectorFlops, type CpuInfo, type MachineInfo } from './machine.js';
export { measure, summarize, type Timing } from './stats.js';
export { toMarkdown, toSvg, toModelSvg, toScalingSvg, type BenchEntry, type BenchReport } from './report.js';
export { runModelStages, parityEntries, absDiff, sharedCheckpoint, benchImages, type ModelPlan, type ModelRun, type ParityEntry, type SharedCheckpoint } from './model_bench.js';
export { eagerPipelines, onnxPipelines, STAGES, type Pipelines, type Stage, type InferenceResult } from './pipelines.js';
export { packageVersions } from './versions.js';
export { opCases, type OpCase } from './ops.js';
export { parseBenchArgs, runBenchCommand, type BenchArgs } from './cli.js';
export { runTrainStepBench, trainStepMarkdown, trainStepPlan, type TrainStepPlan, type TrainStepReport, type TrainStepRow } from './train_step_bench.js';
export * from './accuracy/index.js';
