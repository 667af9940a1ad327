/**
 * Line charts as standalone SVG: ROC curves and PRO curves (one or more series).
 */
import { escapeHtml } from './escape.js';

/** One line of a chart. */
export interface CurveSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** CSS colour (default: a palette colour). */
  color?: string;
}

/** Options of {@link curveSvg}. */
export interface CurveChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Axis ranges (default [0, 1] both). */
  xMax?: number;
  yMax?: number;
  width?: number;
  height?: number;
  /** Draw the chance diagonal (ROC). */
  diagonal?: boolean;
  /** Shade x ≤ this value (e.g. the 0.3 FPR limit of AUPRO). */
  shadeTo?: number;
  /** Points per series after thinning (default 600). */
  maxPoints?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/**
 * Keeps a point when it moved by at least 1/maxPoints of an axis range since the last kept one
 * (first and last points always kept), so long curves stay small.
 *
 * @example
 * ```ts
 * const { x, y } = thinCurve(fpr, tpr, 500);
 * ```
 */
export function thinCurve(x: ArrayLike<number>, y: ArrayLike<number>, maxPoints: number, xRange = 1, yRange = 1): { x: number[]; y: number[] } {
  const n = Math.min(x.length, y.length);
  const ox: number[] = [];
  const oy: number[] = [];
  if (n === 0) return { x: ox, y: oy };
  const sx = xRange / maxPoints;
  const sy = yRange / maxPoints;
  let lx = x[0];
  let ly = y[0];
  ox.push(lx);
  oy.push(ly);
  for (let i = 1; i < n; i++) {
    if (Math.abs(x[i] - lx) >= sx || Math.abs(y[i] - ly) >= sy || i === n - 1) {
      lx = x[i];
      ly = y[i];
      ox.push(lx);
      oy.push(ly);
    }
  }
  return { x: ox, y: oy };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '0';
}

/**
 * A line chart as an SVG document string (self-contained, no scripts).
 *
 * @example
 * ```ts
 * const svg = curveSvg([{ name: 'AUROC 0.97', x: roc.fpr, y: roc.tpr }], { title: 'ROC', diagonal: true });
 * ```
 */
export function curveSvg(series: readonly CurveSeries[], options: CurveChartOptions = {}): string {
  const W = options.width ?? 380;
  const H = options.height ?? 320;
  const m = { l: 48, r: 12, t: options.title ? 28 : 12, b: 40 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const xMax = options.xMax ?? 1;
  const yMax = options.yMax ?? 1;
  const X = (v: number): number => m.l + (Math.min(Math.max(v, 0), xMax) / xMax) * pw;
  const Y = (v: number): number => m.t + ph - (Math.min(Math.max(v, 0), yMax) / yMax) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (options.title) parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escapeHtml(options.title)}</text>`);
  if (options.shadeTo !== undefined) {
    parts.push(`<rect x="${fmt(X(0))}" y="${m.t}" width="${fmt(X(options.shadeTo) - X(0))}" height="${ph}" fill="#f0f0f0"/>`);
  }
  for (let k = 0; k <= 5; k++) {
    const xv = (xMax * k) / 5;
    const yv = (yMax * k) / 5;
    parts.push(`<line x1="${fmt(X(xv))}" y1="${m.t}" x2="${fmt(X(xv))}" y2="${m.t + ph}" stroke="#ddd"/>`);
    parts.push(`<line x1="${m.l}" y1="${fmt(Y(yv))}" x2="${m.l + pw}" y2="${fmt(Y(yv))}" stroke="#ddd"/>`);
    parts.push(`<text x="${fmt(X(xv))}" y="${m.t + ph + 14}" text-anchor="middle">${+xv.toFixed(3)}</text>`);
    parts.push(`<text x="${m.l - 6}" y="${fmt(Y(yv) + 4)}" text-anchor="end">${+yv.toFixed(3)}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  if (options.diagonal) parts.push(`<line x1="${fmt(X(0))}" y1="${fmt(Y(0))}" x2="${fmt(X(Math.min(xMax, yMax)))}" y2="${fmt(Y(Math.min(xMax, yMax)))}" stroke="#999" stroke-dasharray="4 3"/>`);
  if (options.xLabel) parts.push(`<text x="${m.l + pw / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`);
  if (options.yLabel) parts.push(`<text transform="translate(12 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(options.yLabel)}</text>`);
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const { x, y } = thinCurve(s.x, s.y, options.maxPoints ?? 600, xMax, yMax);
    const pts = x.map((xv, i) => `${fmt(X(xv))},${fmt(Y(y[i]))}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${escapeHtml(color)}" stroke-width="1.8" points="${pts}"/>`);
    const ly = m.t + 14 + k * 15;
    parts.push(`<line x1="${m.l + pw - 130}" y1="${ly - 4}" x2="${m.l + pw - 112}" y2="${ly - 4}" stroke="${escapeHtml(color)}" stroke-width="2"/>`);
    parts.push(`<text x="${m.l + pw - 108}" y="${ly}">${escapeHtml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * ROC chart (FPR vs TPR with the chance diagonal).
 *
 * @example
 * ```ts
 * const svg = rocSvg([{ name: 'image AUROC 0.98', x: c.fpr, y: c.tpr }], 'Image ROC');
 * ```
 */
export function rocSvg(series: readonly CurveSeries[], title = 'ROC'): string {
  return curveSvg(series, { title, xLabel: 'false positive rate', yLabel: 'true positive rate', diagonal: true });
}

/**
 * PRO chart up to the FPR limit (default 0.3), the integrated region shaded.
 *
 * @example
 * ```ts
 * const r = aupro(maps, masks, shape);
 * const svg = proSvg([{ name: `AUPRO ${r.aupro.toFixed(3)}`, x: r.fpr, y: r.pro }]);
 * ```
 */
export function proSvg(series: readonly CurveSeries[], title = 'PRO', fprLimit = 0.3): string {
  return curveSvg(series, { title, xLabel: 'false positive rate', yLabel: 'per-region overlap', xMax: Math.min(1, fprLimit * 1.2), shadeTo: fprLimit });
}
