/**
 * The per-run HTML report: metrics table (last and best), timings, ROC/PRO charts and a
 * contact sheet, in one self-contained file.
 */
import type { RgbImage } from '@msflow/data';
import type { RocCurve } from '../metrics/roc.js';
import { renderHtmlReport, writeHtmlReport, type HtmlReport, type HtmlSection } from '../viz/html.js';
import { rgbToPng } from '../viz/png.js';
import { proSvg, rocSvg } from '../viz/svg.js';
import { METRIC_LABELS } from './compare.js';
import type { RunResult } from './run_result.js';

const pct = (v: number | undefined): number | undefined => (v === undefined ? undefined : v * 100);

/** Visual extras of a run report. */
export interface RunVisuals {
  imageRoc?: Pick<RocCurve, 'fpr' | 'tpr'>;
  pixelRoc?: Pick<RocCurve, 'fpr' | 'tpr'>;
  pro?: { fpr: ArrayLike<number>; pro: ArrayLike<number> };
  /** Contact sheet(s) (see `contactSheet`). */
  sheets?: { caption: string; image: RgbImage }[];
}

/**
 * Builds the report structure for a run (render it with `renderHtmlReport`, or use
 * {@link writeRunReport}).
 *
 * @example
 * ```ts
 * const report = buildRunReport(result, { imageRoc: ev.curves?.imageRoc, sheets: [{ caption: 'test set', image: sheet }] });
 * ```
 */
export function buildRunReport(result: RunResult, visuals: RunVisuals = {}): HtmlReport {
  const names = Object.keys(result.metrics);
  const bestNames = result.best ? Object.keys(result.best.metrics) : [];
  const all = [...new Set([...names, ...bestNames])];
  const rows = all.map((m) => {
    const row: (string | number | undefined)[] = [METRIC_LABELS[m] ?? m, result.metrics[m] === undefined ? undefined : result.metrics[m] * 100];
    if (result.best) {
      const b = result.best.metrics[m];
      row.push(b === undefined ? undefined : b * 100, result.best.epochs?.[m] === undefined ? '' : String(result.best.epochs[m]));
    }
    return row;
  });
  const headers = result.best ? ['metric', `last${result.epoch === undefined ? '' : ` (epoch ${result.epoch})`}`, 'best over epochs', 'best epoch'] : ['metric', 'value'];
  const sections: HtmlSection[] = [
    {
      title: 'Metrics (×100)',
      tables: [
        { headers, rows },
        ...(result.byType?.length
          ? [
              {
                caption: 'Per defect type, each against the normal test images (×100; pixel share: the type\'s part of all anomalous pixels)',
                headers: ['type', 'images', 'image AUROC', 'pixel AUROC', 'pixel share'],
                rows: result.byType.map((t) => [t.type, String(t.images), pct(t.imageAuroc), pct(t.pixelAuroc), pct(t.pixelShare)]),
              },
            ]
          : []),
        { caption: 'Timings (seconds)', headers: ['stage', 'seconds'], rows: Object.entries(result.timings).map(([k, v]) => [k, v]), digits: 3 },
      ],
      text: result.best ? ['"last" is the final epoch; "best over epochs" is the maximum of each metric over the evaluated epochs (test-set selection, as in the MSFlow paper).'] : [],
    },
  ];
  const d = result.decision;
  if (d) {
    const f = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);
    sections.push({
      title: 'Image threshold on this test set',
      tables: [
        {
          headers: ['threshold', 'chosen by', 'target FPR', 'FPR on test normals', 'recall on test anomalies'],
          rows: [[d.threshold.toPrecision(6), d.from, f(d.targetFpr), `${f(d.fpr)} of ${d.normals}`, `${f(d.recall)} of ${d.anomalous}`]],
        },
      ],
      text: ['On the user-facing score (top-k mean of the negative log-likelihood map); anomalous when score ≥ threshold. The AUROC and PRO metrics above use the paper\'s scores and maps.'],
    });
  }
  const svgs: { caption?: string; svg: string }[] = [];
  if (visuals.imageRoc) svgs.push({ svg: rocSvg([{ name: `AUROC ${((result.metrics.imageAuroc ?? NaN) * 100).toFixed(2)}`, x: visuals.imageRoc.fpr, y: visuals.imageRoc.tpr }], 'Image ROC') });
  if (visuals.pixelRoc) svgs.push({ svg: rocSvg([{ name: `AUROC ${((result.metrics.pixelAuroc ?? NaN) * 100).toFixed(2)}`, x: visuals.pixelRoc.fpr, y: visuals.pixelRoc.tpr }], 'Pixel ROC') });
  if (visuals.pro) svgs.push({ svg: proSvg([{ name: `AUPRO ${((result.metrics.aupro ?? NaN) * 100).toFixed(2)}`, x: visuals.pro.fpr, y: visuals.pro.pro }], 'PRO curve') });
  if (svgs.length) sections.push({ title: 'Curves', svgs });
  if (visuals.sheets?.length) sections.push({ title: 'Test images', text: ['Left: image with ground truth (green). Right: anomaly heatmap (jet, α 0.4) with predicted mask (white).'], images: visuals.sheets.map((s) => ({ caption: s.caption, png: rgbToPng(s.image) })) });
  if (result.notes?.length) sections.push({ title: 'Notes', text: result.notes });
  const b = result.backend;
  return {
    title: `${result.dataset.name} / ${result.dataset.className}`,
    subtitle: `backend ${b.name}${b.detail ? ` (${b.detail})` : ''}${b.device ? ` on ${b.device}` : ''}${result.createdAt ? `, ${result.createdAt}` : ''}`,
    sections,
  };
}

/**
 * Writes the run's HTML report atomically.
 *
 * @example
 * ```ts
 * writeRunReport('runs/bottle/report.html', result, visuals);
 * ```
 */
export function writeRunReport(path: string, result: RunResult, visuals: RunVisuals = {}): void {
  writeHtmlReport(path, buildRunReport(result, visuals));
}

/**
 * {@link buildRunReport} rendered to an HTML string.
 *
 * @example
 * ```ts
 * const html = renderRunReport(result);
 * ```
 */
export function renderRunReport(result: RunResult, visuals: RunVisuals = {}): string {
  return renderHtmlReport(buildRunReport(result, visuals));
}
