import { join } from 'node:path';
import { mapColorRange, type EvaluationOutput, type TrainingMetrics } from '@msflow/core';
import {
  auroc,
  contactSheet,
  defectOverlay,
  evaluateAnomalyDetection,
  heatmapOverlay,
  RUN_RESULT_SCHEMA,
  writeRgbPng,
  writeRunReport,
  writeRunResult,
  valueRange,
  type Evaluation,
  type RunDecision,
  type RunResult,
  type SheetItem,
} from '@msflow/eval';
import type { ExtractedSet } from '../backbone/extractor.js';
import { pickThreshold, thresholdOnSet, type Thresholds } from '../model/thresholds.js';
import type { PlanSummary } from '../plan/plan.js';

/** The metrics the CLI prints and tracks per meta-epoch. */
export const HEADLINE_METRICS = ['imageAuroc', 'pixelAuroc', 'aupro', 'imageF1Max', 'pixelF1Max'] as const;

/**
 * Metrics of one evaluation pass (image AUROC, pixel AUROC on the additive map, AUPRO on the
 * multiplicative map, F1-max), as MSFlow computes them, plus `imageAurocNll`, the image AUROC of
 * the user-facing score. `detail` adds the ROC/PRO curves and the
 * per-defect-type breakdown (the final report's; not needed for every meta-epoch).
 *
 * @example
 * ```ts
 * const ev = scoreEvaluation(await evaluate(model, test.features), test, true);
 * ev.metrics.imageAuroc;
 * ```
 */
export function scoreEvaluation(output: EvaluationOutput, set: ExtractedSet, detail = false): Evaluation {
  const evaluation = evaluateAnomalyDetection({
    imageScores: output.imageScores,
    labels: set.labels,
    pixelMaps: set.masks ? output.addMaps : undefined,
    proMaps: set.masks ? output.mulMaps : undefined,
    masks: set.masks,
    shape: output.shape,
    msflowPro: false,
    curves: detail,
    ...(detail ? { types: set.types } : {}),
  });
  // The user-facing score ranks the same images: its AUROC beside the paper score's.
  if (evaluation.metrics.imageAuroc !== undefined) evaluation.metrics.imageAurocNll = auroc(output.nllScores, set.labels);
  return evaluation;
}

/** The stored image threshold (`auto`) applied to a labelled set, for the report. */
export function decisionOn(thresholds: Thresholds | undefined, output: EvaluationOutput, set: ExtractedSet): RunDecision | undefined {
  const t = pickThreshold(thresholds ?? {}, 'auto');
  if (!t) return undefined;
  return { threshold: t.value, from: t.from, ...(thresholds?.normal ? { targetFpr: thresholds.normal.targetFpr } : {}), ...thresholdOnSet(t.value, output.nllScores, set.labels) };
}

/** Everything a test report shows. */
export interface ReportInput {
  datasetName: string;
  className: string;
  set: ExtractedSet;
  output: EvaluationOutput;
  evaluation: Evaluation;
  backend: { name: string; detail?: string };
  timings: Record<string, number>;
  /** Training history (last and best per metric), when the report follows training. */
  training?: TrainingMetrics | null;
  config?: Record<string, unknown>;
  /** Where the work ran (stored as `plan` in metrics.json). */
  plan?: PlanSummary;
  notes?: string[];
  /** Write one heatmap PNG per test image (default true). */
  heatmaps?: boolean;
  /** The checkpoint's thresholds: the image decision, the pixel threshold and the colour scale. */
  thresholds?: Thresholds;
}

/** Paths written by {@link writeEvaluationReport}. */
export interface ReportFiles {
  metrics: string;
  report: string;
  heatmaps?: string;
}

const stemOf = (p: string): string => p.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');

/**
 * Writes `metrics.json` (msflow-run-result/1), `report.html` (metrics, the stored threshold on
 * this set, ROC/PRO curves, a contact sheet) and `heatmaps/<type>_<image>.png` (the NLL map on
 * the model's colour scale, defect contour in white) into `dir`, each atomically.
 *
 * @example
 * ```ts
 * const files = writeEvaluationReport('runs/bottle/latest', { datasetName: 'mvtec', className: 'bottle', set, output, evaluation, backend, timings });
 * ```
 */
export function writeEvaluationReport(dir: string, r: ReportInput): ReportFiles {
  const { height, width } = r.output.shape;
  const px = height * width;
  const best = r.training && Object.keys(r.training.best).length > 0 ? r.training.best : undefined;
  const decision = decisionOn(r.thresholds, r.output, r.set);
  const result: RunResult = {
    schema: RUN_RESULT_SCHEMA,
    createdAt: new Date().toISOString(),
    dataset: { name: r.datasetName, className: r.className, inputSize: [height, width], testImages: r.output.count },
    backend: r.backend,
    metrics: r.evaluation.metrics,
    ...(best
      ? {
          best: { metrics: Object.fromEntries(Object.entries(best).map(([k, v]) => [k, v.value])), epochs: Object.fromEntries(Object.entries(best).map(([k, v]) => [k, v.metaEpoch + 1])) },
          epoch: (r.training?.last?.metaEpoch ?? 0) + 1,
        }
      : {}),
    timings: r.timings,
    imageScores: Array.from(r.output.imageScores),
    nllScores: Array.from(r.output.nllScores),
    labels: Array.from(r.set.labels),
    ...(decision ? { decision } : {}),
    paths: r.set.paths,
    config: r.config,
    ...(r.plan ? { plan: r.plan as unknown as Record<string, unknown> } : {}),
    ...(r.evaluation.byType ? { byType: r.evaluation.byType } : {}),
    notes: [...(r.notes ?? []), ...r.evaluation.notes],
  };
  const files: ReportFiles = { metrics: join(dir, 'metrics.json'), report: join(dir, 'report.html') };
  writeRunResult(files.metrics, result);
  // The user-facing map on the model's one colour scale (fixed by normal images), with the
  // defect contour at the pixel threshold; without a stored scale, one range over the test set.
  const maps = r.output.nllMaps;
  const rgb = r.set.rgb;
  const pixel = r.thresholds?.normal?.pixel;
  const scale = pixel ? mapColorRange(pixel) : maps ? (({ min, max }) => ({ vmin: min, vmax: max }))(valueRange(maps)) : undefined;
  const sheets: { caption: string; image: ReturnType<typeof contactSheet> }[] = [];
  if (maps && rgb && scale) {
    const image = (i: number) => ({ width, height, data: rgb.subarray(i * px * 3, (i + 1) * px * 3) });
    const map = (i: number) => maps.subarray(i * px, (i + 1) * px);
    const bad = [...r.set.labels.keys()].filter((i) => r.set.labels[i] === 1);
    const good = [...r.set.labels.keys()].filter((i) => r.set.labels[i] === 0);
    const pick = [...bad.slice(0, 12), ...good.slice(0, 4)];
    const items: SheetItem[] = pick.map((i) => ({ image: image(i), map: map(i), mask: r.set.masks?.subarray(i * px, (i + 1) * px), label: r.set.labels[i] as 0 | 1 }));
    if (items.length > 0) sheets.push({ caption: `${items.length} of ${r.output.count} test images`, image: contactSheet(items, { ...scale, threshold: pixel?.threshold, columns: 4 }) });
    if (r.heatmaps !== false) {
      files.heatmaps = join(dir, 'heatmaps');
      for (let i = 0; i < r.output.count; i++) {
        const shown = pixel ? defectOverlay(image(i), map(i), { ...scale, threshold: pixel.threshold }) : heatmapOverlay(image(i), map(i), scale);
        writeRgbPng(join(files.heatmaps, `${r.set.types[i]}_${stemOf(r.set.paths[i])}.png`), shown);
      }
    }
  }
  const c = r.evaluation.curves;
  writeRunReport(files.report, result, { imageRoc: c?.imageRoc, pixelRoc: c?.pixelRoc, pro: c?.pro, sheets });
  return files;
}
