export { parseAccuracyArgs, ACCURACY_USAGE, METHODS, type AccuracyArgs, type KnnSettings, type Method } from './args.js';
export { runAccuracy } from './run.js';
export { runKnnStage, bankRows, type KnnStageResult } from './knn_stage.js';
export { accuracyMarkdown, ACCURACY_METRICS, type AccuracyReport, type MethodResult, type MetricValues, type AccuracyMetric } from './report.js';
export { runAccuracyCommand, writeAccuracyReport } from './command.js';
export { tradeoffPoints, tradeoffSvg, type SeedSpread, type TradeoffPoint, type TradeoffSource, type TradeoffTarget } from './tradeoff.js';
export { mergeSeeds, spreadTable } from './seeds.js';
