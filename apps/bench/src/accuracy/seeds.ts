/**
 * Seed spreads: the same setting run with several `--seed`s becomes one point (the mean of each
 * metric and of the minutes) with its range, so tables and the trade-off plot show how much of a
 * difference between settings is noise.
 */
import { ACCURACY_METRICS, type AccuracyMetric, type MetricValues } from './report.js';
import type { TradeoffPoint } from './tradeoff.js';

const key = (p: TradeoffPoint) => JSON.stringify([p.className, p.method, p.series, p.label]);

/**
 * Merges the points of one class, method, series and label (one setting run with several seeds)
 * into one ({@link TradeoffPoint.spread}): each metric's mean over the runs that report it, the mean minutes, and `spread` with
 * the range when there is more than one run. Order: where each setting first appears.
 *
 * @example
 * ```ts
 * const merged = mergeSeeds(tradeoffPoints(sources, 2)); // sources: one report per seed
 * merged[0].spread?.runs; // 3
 * ```
 */
export function mergeSeeds(points: readonly TradeoffPoint[]): TradeoffPoint[] {
  const groups = new Map<string, TradeoffPoint[]>();
  for (const p of points) {
    const k = key(p);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  return [...groups.values()].map((g) => {
    if (g.length === 1) return { ...g[0] };
    const metrics: MetricValues = {};
    const min: MetricValues = {};
    const max: MetricValues = {};
    for (const m of ACCURACY_METRICS) {
      const vs = g.map((p) => p.metrics[m]).filter((v): v is number => v !== undefined && Number.isFinite(v));
      if (vs.length === 0) continue;
      metrics[m] = vs.reduce((a, b) => a + b, 0) / vs.length;
      min[m] = Math.min(...vs);
      max[m] = Math.max(...vs);
    }
    const minutes = g.reduce((a, p) => a + p.minutes, 0) / g.length;
    return { ...g[0], minutes, metrics, spread: { runs: g.length, min, max } };
  });
}

const pct = (v: number | undefined) => (v === undefined ? '' : (100 * v).toFixed(1));

/** `mean [min-max]` in %, or the single value. */
function cell(p: TradeoffPoint, m: AccuracyMetric): string {
  const v = p.metrics[m];
  if (v === undefined) return '';
  if (!p.spread || p.spread.min[m] === undefined) return pct(v);
  return `${pct(v)} [${pct(p.spread.min[m])}-${pct(p.spread.max[m])}]`;
}

/**
 * A markdown table of merged points: class, method (series), setting, runs, each metric as
 * `mean [min-max]` in %, and the mean minutes of features + training.
 *
 * @example
 * ```ts
 * writeFileSync('seeds.md', spreadTable(mergeSeeds(tradeoffPoints(sources, 2))));
 * ```
 */
export function spreadTable(points: readonly TradeoffPoint[]): string {
  const rows = points.map((p) => `| ${p.className} | ${p.series} | ${p.label} | ${p.spread?.runs ?? 1} | ${ACCURACY_METRICS.map((m) => cell(p, m)).join(' | ')} | ${p.minutes.toFixed(1)} |`);
  return ['| class | method | setting | runs | image AUROC | pixel AUROC | AUPRO | minutes |', '|---|---|---|---:|---:|---:|---:|---:|', ...rows].join('\n') + '\n';
}
