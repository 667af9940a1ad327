/**
 * `@msflow/eval`: how well a model does, and how it is shown: metrics (AUROC, AUPRO, MSFlow's
 * PRO, F1-max, per defect type), visualisation (heatmap and defect overlays, contact sheets,
 * curves, HTML), run and backend-comparison reports, and the kNN / PatchCore-style baseline.
 * Datasets, image I/O, synthetic data, backbone weights and feature caches are in `@msflow/data`.
 *
 * @packageDocumentation
 */

// Metrics
export type { ScoreArray, ScoreInput, LabelInput } from './metrics/inputs.js';
export { auroc, pixelAuroc, rocCurve, type RocCurve, type RocCurveOptions } from './metrics/roc.js';
export { f1Max, type F1Max } from './metrics/f1.js';
export { labelComponents, type Components } from './metrics/components.js';
export { indexRegions, type RegionIndex } from './metrics/regions.js';
export { aupro, type AuproOptions, type AuproResult, type MapShape } from './metrics/aupro.js';
export { auproMsflow, numpyArange, type MsflowAuproOptions, type MsflowAuproResult } from './metrics/aupro_msflow.js';
export { trapezoidTo, sklearnAuc } from './metrics/trapezoid.js';
export { floatToKey, keyToFloat, radixSortKeys, radixSortPairs } from './metrics/sort.js';
export { evaluateAnomalyDetection, type EvaluationInput, type Evaluation } from './metrics/evaluate.js';
export { metricsByType, type ByTypeInput, type TypeMetrics } from './metrics/by_type.js';

// Visualisation
export { jet, JET_LUT } from './viz/colormap.js';
export { heatmapOverlay, defectOverlay, drawContour, maskBoundary, thresholdMap, maskToRgb, valueRange, type OverlayOptions, type DefectOverlayOptions } from './viz/overlay.js';
export { contactSheet, type SheetItem, type ContactSheetOptions } from './viz/contact_sheet.js';
export { curveSvg, rocSvg, proSvg, thinCurve, type CurveSeries, type CurveChartOptions } from './viz/svg.js';
export { renderHtmlReport, writeHtmlReport, htmlTable, pngDataUri, type HtmlReport, type HtmlSection, type HtmlTable } from './viz/html.js';
export { rgbToPng, writeRgbPng } from './viz/png.js';

// Reports
export { RUN_RESULT_SCHEMA, RunResultError, validateRunResult, readRunResult, writeRunResult, type RunResult, type RunDecision, type MetricSet, type AnomalyMapsRef } from './report/run_result.js';
export { writeRunResultWithMaps, loadAnomalyMaps, type AnomalyMaps } from './report/maps_file.js';
export { compareRuns, compareRunFiles, comparisonMarkdown, comparisonHtml, comparisonTables, writeComparison, METRIC_LABELS, type ComparedRun, type Comparison, type PairDifference } from './report/compare.js';
export { buildRunReport, renderRunReport, writeRunReport, type RunVisuals } from './report/run_report.js';

// kNN / PatchCore-style baseline
export * from './baseline/index.js';
