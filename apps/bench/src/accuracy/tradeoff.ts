/**
 * Accuracy against minutes: points from several `msflow-accuracy/1` reports (one setting each),
 * drawn as one row of panels per class (image AUROC, pixel AUROC, AUPRO against the minutes of
 * features + training), so a user can pick a setting on the curve.
 */
import { ACCURACY_METRICS, type AccuracyMetric, type AccuracyReport, type MethodResult, type MetricValues } from './report.js';

/** One setting's result on one class. */
export interface TradeoffPoint {
  className: string;
  method: MethodResult['method'];
  /** Points of one series are joined by a line (e.g. one preset at several input sizes). */
  series: string;
  /** Short text next to the point, e.g. `256 px`. */
  label: string;
  /** Features + training, minutes (see {@link tradeoffPoints} for how they are counted). */
  minutes: number;
  /** Last-epoch metrics, fractions (means over the runs where `spread` is set). */
  metrics: MetricValues;
  /** Set where the point stands for several runs of one setting (seeds; see `mergeSeeds`). */
  spread?: SeedSpread;
}

/** Lowest and highest value of each metric over the runs (seeds) of one point. */
export interface SeedSpread {
  /** How many runs the point's means are over. */
  runs: number;
  min: MetricValues;
  max: MetricValues;
}

/** What to plot from one report. */
export interface TradeoffSource {
  report: AccuracyReport;
  series: string;
  label: string;
  /** Plot the kNN rows too (under the series `kNN`). Default false. */
  knn?: boolean;
}

/**
 * Points of the completed results of each source. Minutes are the features' and training's CPU
 * seconds divided by `cpus` (the CPUs that run them in parallel when nothing else does), so runs
 * timed on a shared, loaded machine compare with each other; a result without CPU times falls
 * back to its wall seconds.
 *
 * @example
 * ```ts
 * const points = tradeoffPoints([{ report, series: 'cpu', label: '256 px' }], 1.9);
 * ```
 */
export function tradeoffPoints(sources: readonly TradeoffSource[], cpus: number): TradeoffPoint[] {
  if (!(cpus > 0)) throw new RangeError(`tradeoffPoints: cpus must be positive, got ${cpus}`);
  const points: TradeoffPoint[] = [];
  for (const s of sources) {
    for (const r of s.report.results) {
      if (r.status !== 'completed' || (r.method === 'knn' && !s.knn)) continue;
      const seconds = r.cpu ? (r.cpu.features + r.cpu.train) / cpus : r.timings.features + r.timings.train;
      points.push({ className: r.className, method: r.method, series: r.method === 'knn' ? 'kNN' : s.series, label: s.label, minutes: seconds / 60, metrics: r.last });
    }
  }
  return points;
}

/** A horizontal reference line in one panel, e.g. a target. */
export interface TradeoffTarget {
  className: string;
  metric: AccuracyMetric;
  /** Fraction, like the metrics. */
  value: number;
  label: string;
}

const TITLES: Record<AccuracyMetric, string> = { imageAuroc: 'image AUROC %', pixelAuroc: 'pixel AUROC %', aupro: 'AUPRO %' };
const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#9c755f'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f1 = (v: number) => v.toFixed(1);

/** A round step near a fifth of `span`: 1, 2 or 5 times a power of ten. */
function niceStep(span: number): number {
  const raw = span / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
}

/**
 * The chart as an SVG document: one row per class, one panel per metric, minutes on x, % on y;
 * a colour per series, points of a series joined in order of minutes, kNN points hollow, a
 * vertical bar over the seed range of a merged point (`mergeSeeds`), and dashed target lines.
 *
 * @example
 * ```ts
 * writeFileSync('tradeoff.svg', tradeoffSvg(points, { title: 'bottle, 2-core machine', targets }));
 * ```
 */
export function tradeoffSvg(points: readonly TradeoffPoint[], options: { title?: string; targets?: readonly TradeoffTarget[] } = {}): string {
  const classes = [...new Set(points.map((p) => p.className))];
  const series = [...new Set(points.map((p) => p.series))];
  const targets = options.targets ?? [];
  const PW = 300;
  const PH = 210;
  const L = 44;
  const T = 46;
  const GAP = 30;
  // The legend column fits the longest series name (about 7 px per character at 12 px).
  const legend = Math.max(150, 20 + 7 * Math.max(0, ...series.map((s) => s.length)));
  const W = L + ACCURACY_METRICS.length * (PW + GAP) + legend;
  const H = T + classes.length * (PH + 50) + 10;
  const parts: string[] = [`<text x="10" y="20" font-weight="bold">${esc(options.title ?? 'Accuracy against minutes of features + training (last epoch)')}</text>`];
  classes.forEach((c, row) => {
    const mine = points.filter((p) => p.className === c);
    const maxMin = Math.max(1e-9, ...mine.map((p) => p.minutes));
    const xStep = niceStep(maxMin);
    const xMax = Math.ceil((maxMin * 1.05) / xStep) * xStep;
    const top = T + row * (PH + 50);
    parts.push(`<text x="10" y="${top - 8}" font-weight="bold">${esc(c)}</text>`);
    ACCURACY_METRICS.forEach((metric, col) => {
      const left = L + col * (PW + GAP);
      const vals = [...mine.flatMap((p) => [p.metrics[metric], p.spread?.min[metric], p.spread?.max[metric]]), ...targets.filter((t) => t.className === c && t.metric === metric).map((t) => t.value)]
        .filter((v): v is number => v !== undefined && Number.isFinite(v))
        .map((v) => 100 * v);
      const lo0 = vals.length ? Math.min(...vals) : 0;
      const hi0 = vals.length ? Math.max(...vals) : 100;
      const yStep = niceStep(Math.max(1, hi0 - lo0));
      const lo = Math.floor((lo0 - yStep / 4) / yStep) * yStep;
      const hi = Math.min(100, Math.ceil((hi0 + yStep / 4) / yStep) * yStep);
      const x = (m: number) => left + (m / xMax) * PW;
      const y = (v: number) => top + PH - ((v - lo) / Math.max(1e-9, hi - lo)) * PH;
      parts.push(`<rect x="${left}" y="${top}" width="${PW}" height="${PH}" fill="none" stroke="#888"/>`);
      parts.push(`<text x="${left + PW / 2}" y="${top - 8}" text-anchor="middle">${TITLES[metric]}</text>`);
      for (let v = lo; v <= hi + 1e-9; v += yStep) parts.push(`<line x1="${left}" x2="${left + PW}" y1="${f1(y(v))}" y2="${f1(y(v))}" stroke="#eee"/><text x="${left - 4}" y="${f1(y(v) + 4)}" text-anchor="end" font-size="10">${+v.toFixed(2)}</text>`);
      for (let m = 0; m <= xMax + 1e-9; m += xStep) parts.push(`<text x="${f1(x(m))}" y="${top + PH + 14}" text-anchor="middle" font-size="10">${+m.toFixed(2)}</text>`);
      parts.push(`<text x="${left + PW / 2}" y="${top + PH + 28}" text-anchor="middle" font-size="10">minutes (features + training)</text>`);
      for (const t of targets.filter((q) => q.className === c && q.metric === metric)) {
        const ty = f1(y(100 * t.value));
        parts.push(`<line x1="${left}" x2="${left + PW}" y1="${ty}" y2="${ty}" stroke="#c00" stroke-dasharray="4 3"/><text x="${left + PW - 2}" y="${+ty - 3}" text-anchor="end" font-size="10" fill="#c00">${esc(t.label)}</text>`);
      }
      series.forEach((s, i) => {
        const color = COLORS[i % COLORS.length];
        const pts = mine.filter((p) => p.series === s && p.metrics[metric] !== undefined).sort((a, b) => a.minutes - b.minutes);
        if (pts.length > 1) parts.push(`<path d="${pts.map((p, j) => `${j ? 'L' : 'M'}${f1(x(p.minutes))},${f1(y(100 * p.metrics[metric]!))}`).join(' ')}" stroke="${color}" fill="none" stroke-width="1.5"/>`);
        for (const p of pts) {
          const px = f1(x(p.minutes));
          const py = f1(y(100 * p.metrics[metric]!));
          const lo = p.spread?.min[metric];
          const hi = p.spread?.max[metric];
          // A seed range: a vertical bar from the lowest to the highest run.
          if (lo !== undefined && hi !== undefined) parts.push(`<line class="range" x1="${px}" x2="${px}" y1="${f1(y(100 * lo))}" y2="${f1(y(100 * hi))}" stroke="${color}" stroke-width="1"/>`);
          const mark = p.method === 'knn' ? `<rect x="${+px - 3.5}" y="${+py - 3.5}" width="7" height="7" fill="white" stroke="${color}" stroke-width="1.5"/>` : `<circle cx="${px}" cy="${py}" r="3.5" fill="${color}"/>`;
          parts.push(`${mark}<text x="${+px + 5}" y="${+py - 5}" font-size="9" fill="${color}">${esc(p.label)}</text>`);
        }
      });
    });
  });
  series.forEach((s, i) => parts.push(`<text x="${W - legend + 10}" y="${T + 10 + i * 16}" fill="${COLORS[i % COLORS.length]}">${esc(s)}</text>`));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">\n${parts.join('\n')}\n</svg>\n`;
}
