import { f1Max } from '@msflow/eval';

/**
 * Image-score thresholds stored in the checkpoint sidecar. `predict` labels an image anomalous
 * when its score is at or above the chosen one.
 */
export interface Thresholds {
  /** F1-max threshold on labelled images (`test`: the test set; `validation`: a held-out split). */
  f1?: { value: number; f1: number; source: 'test' | 'validation'; images: number };
  /** A quantile of normal images' scores (no anomalies needed). */
  quantile?: { value: number; q: number; source: 'train' | 'validation'; images: number };
}

/** Threshold modes of `--threshold`. */
export type ThresholdMode = 'auto' | 'f1' | 'quantile';

/**
 * The `q` quantile of `scores` (linear interpolation, numpy's default).
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 * ```
 */
export function quantile(scores: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(scores).sort();
  if (s.length === 0) throw new Error('quantile: no scores');
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/**
 * The F1-max threshold of labelled scores, or undefined when both labels are not present.
 *
 * @example
 * ```ts
 * f1Threshold([0.1, 0.9], [0, 1], 'test'); // { value: 0.9, f1: 1, source: 'test', images: 2 }
 * ```
 */
export function f1Threshold(scores: ArrayLike<number>, labels: ArrayLike<number>, source: 'test' | 'validation'): Thresholds['f1'] {
  const l = Array.from(labels);
  if (!l.includes(0) || !l.includes(1)) return undefined;
  const r = f1Max(scores as Float32Array, labels as Uint8Array);
  return { value: r.threshold, f1: r.f1, source, images: l.length };
}

/**
 * The threshold `predict` uses: a number, or `f1` / `quantile` from the checkpoint, or `auto`
 * (F1-max when the checkpoint has one, else the normal-score quantile).
 *
 * @example
 * ```ts
 * pickThreshold({ quantile: { value: 0.3, q: 0.99, source: 'train', images: 40 } }, 'auto'); // { value: 0.3, from: 'quantile 0.99 of 40 train scores' }
 * ```
 */
export function pickThreshold(t: Thresholds, mode: ThresholdMode | number): { value: number; from: string } | undefined {
  if (typeof mode === 'number') return { value: mode, from: '--threshold' };
  if ((mode === 'auto' || mode === 'f1') && t.f1) return { value: t.f1.value, from: `F1-max on ${t.f1.images} ${t.f1.source} images` };
  if ((mode === 'auto' || mode === 'quantile') && t.quantile) {
    return { value: t.quantile.value, from: `quantile ${t.quantile.q} of ${t.quantile.images} ${t.quantile.source} scores` };
  }
  return undefined;
}
