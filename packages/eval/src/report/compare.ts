/**
 * Backend comparison: several runs of the same class on different backends side by side —
 * metrics, timings, and the largest difference between their anomaly maps and image scores.
 */
import { dirname } from 'node:path';
import { writeFileAtomicSync } from '@msflow/data';
import { renderHtmlReport, type HtmlTable } from '../viz/html.js';
import { loadAnomalyMaps, type AnomalyMaps } from './maps_file.js';
import { readRunResult, type RunResult } from './run_result.js';

/** A run to compare: its result and, optionally, its maps (already loaded). */
export interface ComparedRun {
  result: RunResult;
  maps?: AnomalyMaps;
}

/** Difference between the maps (or image scores) of two runs. */
export interface PairDifference {
  /** Indices into `runs`. */
  a: number;
  b: number;
  /** max |a − b| over all pixels; undefined when a run has no maps or the shapes differ. */
  maxAbsMapDiff?: number;
  meanAbsMapDiff?: number;
  /** Where the maximum is: image, row, column. */
  at?: { image: number; y: number; x: number };
  /** max |a − b| over image scores. */
  maxAbsScoreDiff?: number;
  /** Why a difference could not be computed. */
  note?: string;
}

/** Result of {@link compareRuns}. */
export interface Comparison {
  runs: ComparedRun[];
  /** Union of metric names, in a stable order (known names first). */
  metricNames: string[];
  timingNames: string[];
  pairs: PairDifference[];
}

const KNOWN = ['imageAuroc', 'imageAurocNll', 'pixelAuroc', 'aupro', 'auproMsflow', 'imageF1Max', 'pixelF1Max'];

/** Human label of a metric name. */
export const METRIC_LABELS: Record<string, string> = {
  imageAuroc: 'image AUROC',
  imageAurocNll: 'image AUROC (user score)',
  pixelAuroc: 'pixel AUROC',
  aupro: 'AUPRO@0.3',
  auproMsflow: 'PRO (MSFlow)',
  imageF1Max: 'image F1-max',
  pixelF1Max: 'pixel F1-max',
};

function union(lists: string[][], first: readonly string[] = []): string[] {
  const all = new Set(lists.flat());
  return [...first.filter((k) => all.has(k)), ...[...all].filter((k) => !first.includes(k)).sort()];
}

function mapDiff(a: AnomalyMaps, b: AnomalyMaps): Pick<PairDifference, 'maxAbsMapDiff' | 'meanAbsMapDiff' | 'at' | 'note'> {
  if (a.shape.join('x') !== b.shape.join('x')) return { note: `map shapes differ (${a.shape.join('x')} vs ${b.shape.join('x')})` };
  let max = -1;
  let arg = 0;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    sum += d;
    if (d > max || Number.isNaN(d)) {
      max = d;
      arg = i;
      if (Number.isNaN(d)) break;
    }
  }
  const [, h, w] = a.shape;
  return { maxAbsMapDiff: max, meanAbsMapDiff: sum / a.data.length, at: { image: Math.floor(arg / (h * w)), y: Math.floor((arg % (h * w)) / w), x: arg % w } };
}

/**
 * Compares runs pairwise (every pair). Warns in `note` when runs are of different classes.
 *
 * @example
 * ```ts
 * const c = compareRuns([{ result: tfjs, maps: tfjsMaps }, { result: onnx, maps: onnxMaps }]);
 * c.pairs[0].maxAbsMapDiff; // e.g. 3.1e-6
 * ```
 */
export function compareRuns(runs: readonly ComparedRun[]): Comparison {
  const pairs: PairDifference[] = [];
  for (let a = 0; a < runs.length; a++) {
    for (let b = a + 1; b < runs.length; b++) {
      const ra = runs[a];
      const rb = runs[b];
      const pair: PairDifference = { a, b };
      const notes: string[] = [];
      if (ra.result.dataset.className !== rb.result.dataset.className) notes.push('different classes');
      if (ra.maps && rb.maps) Object.assign(pair, mapDiff(ra.maps, rb.maps));
      else notes.push('maps missing');
      const sa = ra.result.imageScores;
      const sb = rb.result.imageScores;
      if (sa && sb && sa.length === sb.length) pair.maxAbsScoreDiff = sa.reduce((m, v, i) => Math.max(m, Math.abs(v - sb[i])), 0);
      if (pair.note) notes.unshift(pair.note);
      if (notes.length) pair.note = notes.join('; ');
      pairs.push(pair);
    }
  }
  return {
    runs: [...runs],
    metricNames: union(runs.map((r) => Object.keys(r.result.metrics)), KNOWN),
    timingNames: union(runs.map((r) => Object.keys(r.result.timings))),
    pairs,
  };
}

/**
 * Reads result JSON files (and their maps files) and compares them.
 *
 * @example
 * ```ts
 * const c = compareRunFiles(['runs/tfjs/result.json', 'runs/onnx/result.json']);
 * ```
 */
export function compareRunFiles(paths: readonly string[]): Comparison {
  return compareRuns(
    paths.map((p) => {
      const result = readRunResult(p);
      const maps = loadAnomalyMaps(result, dirname(p));
      return maps ? { result, maps } : { result };
    }),
  );
}

function runLabel(r: RunResult): string {
  return r.backend.detail ? `${r.backend.name} (${r.backend.detail})` : r.backend.name;
}

function sci(v: number | undefined): string {
  if (v === undefined) return '–';
  if (v === 0) return '0';
  return Math.abs(v) >= 0.01 && Math.abs(v) < 1000 ? v.toFixed(4) : v.toExponential(2);
}

/**
 * The comparison as three tables: metrics (×100), timings (s), pairwise differences.
 *
 * @example
 * ```ts
 * renderHtmlReport({ title: 'backends', sections: [{ tables: comparisonTables(c) }] });
 * ```
 */
export function comparisonTables(c: Comparison): HtmlTable[] {
  const metrics: HtmlTable = {
    caption: 'Metrics (×100; last epoch)',
    headers: ['backend', 'class', ...c.metricNames.map((m) => METRIC_LABELS[m] ?? m)],
    rows: c.runs.map(({ result: r }) => [runLabel(r), r.dataset.className, ...c.metricNames.map((m) => (r.metrics[m] === undefined ? undefined : r.metrics[m] * 100))]),
  };
  const timings: HtmlTable = {
    caption: 'Timings (seconds)',
    headers: ['backend', 'device', ...c.timingNames],
    rows: c.runs.map(({ result: r }) => [runLabel(r), r.backend.device ?? '', ...c.timingNames.map((t) => r.timings[t])]),
    digits: 3,
  };
  const diffs: HtmlTable = {
    caption: 'Differences between backends',
    headers: ['run A', 'run B', 'max |Δ map|', 'mean |Δ map|', 'at (image, y, x)', 'max |Δ image score|', 'note'],
    rows: c.pairs.map((p) => [
      runLabel(c.runs[p.a].result),
      runLabel(c.runs[p.b].result),
      sci(p.maxAbsMapDiff),
      sci(p.meanAbsMapDiff),
      p.at ? `${p.at.image}, ${p.at.y}, ${p.at.x}` : '–',
      sci(p.maxAbsScoreDiff),
      p.note ?? '',
    ]),
  };
  return [metrics, timings, diffs];
}

function mdCell(v: string | number | null | undefined, digits: number): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return Number.isFinite(v) ? v.toFixed(digits) : String(v);
  return v.replace(/\|/g, '\\|');
}

/**
 * The comparison as Markdown (three tables).
 *
 * @example
 * ```ts
 * console.log(comparisonMarkdown(compareRunFiles(files)));
 * ```
 */
export function comparisonMarkdown(c: Comparison): string {
  return comparisonTables(c)
    .map((t) => {
      const d = t.digits ?? 2;
      const lines = [`**${t.caption ?? ''}**`, '', `| ${t.headers.map((h) => mdCell(h, d)).join(' | ')} |`, `|${t.headers.map(() => ' --- ').join('|')}|`];
      for (const r of t.rows) lines.push(`| ${r.map((v) => mdCell(v, d)).join(' | ')} |`);
      return lines.join('\n');
    })
    .join('\n\n') + '\n';
}

/**
 * The comparison as a self-contained HTML page.
 *
 * @example
 * ```ts
 * writeFileSync('compare.html', comparisonHtml(c));
 * ```
 */
export function comparisonHtml(c: Comparison, title = 'Backend comparison'): string {
  return renderHtmlReport({ title, sections: [{ tables: comparisonTables(c) }] });
}

/**
 * Writes the comparison as Markdown and HTML (`<base>.md`, `<base>.html`), atomically.
 *
 * @example
 * ```ts
 * writeComparison('runs/compare', compareRunFiles(files));
 * ```
 */
export function writeComparison(basePath: string, c: Comparison): { markdown: string; html: string } {
  const markdown = `${basePath}.md`;
  const html = `${basePath}.html`;
  writeFileAtomicSync(markdown, comparisonMarkdown(c));
  writeFileAtomicSync(html, comparisonHtml(c));
  return { markdown, html };
}
