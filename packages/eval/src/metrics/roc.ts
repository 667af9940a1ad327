/**
 * AUROC and ROC curves with sklearn's semantics (`roc_auc_score`, `roc_curve`): tied scores form
 * one threshold, so ties count half (Mann-Whitney U).
 */
import type { LabelInput, ScoreInput } from './inputs.js';
import { rankScores, sweepDescending, type RankedScores } from './ranked.js';

function requireBothClasses(r: RankedScores, what: string): void {
  if (r.pos.length === 0 || r.neg.length === 0) {
    throw new Error(`${what}: needs both classes (got ${r.pos.length} positive and ${r.neg.length} negative)`);
  }
}

/** AUROC of already ranked scores (exact: counts are summed in float64 without rounding). */
export function aurocOfRanked(r: RankedScores, what = 'auroc'): number {
  requireBothClasses(r, what);
  let tp = 0;
  let area = 0;
  sweepDescending(r, (_v, dtp, dfp) => {
    area += dfp * (tp + dtp / 2);
    tp += dtp;
  });
  return area / (r.pos.length * r.neg.length);
}

/**
 * Area under the ROC curve, as sklearn's `roc_auc_score(labels, scores)` (a fraction in [0, 1];
 * multiply by 100 for the usual tables). Ties count half. Scores may be one array or one array
 * per image (pixel AUROC: pass the anomaly maps and the masks).
 *
 * @throws when there is only one class, lengths differ, or a score is NaN.
 * @example
 * ```ts
 * auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 * ```
 */
export function auroc(scores: ScoreInput, labels: LabelInput): number {
  return aurocOfRanked(rankScores(scores, labels, 'auroc'), 'auroc');
}

/**
 * Pixel-level AUROC over all pixels of all images (spec §8), the maps and masks given per image
 * or concatenated. Same as {@link auroc}; float32 maps take the radix-sort fast path.
 *
 * @example
 * ```ts
 * const pix = pixelAuroc(maps, masks); // maps: Float32Array[] (H*W each), masks: Uint8Array[]
 * ```
 */
export function pixelAuroc(maps: ScoreInput, masks: LabelInput): number {
  return aurocOfRanked(rankScores(maps, masks, 'pixelAuroc'), 'pixelAuroc');
}

/** A ROC curve: points at decreasing thresholds, starting at (0, 0). */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** Threshold of each point (predicted positive when score ≥ threshold); `Infinity` for the first. */
  thresholds: Float64Array;
  auc: number;
}

/** Options of {@link rocCurve}. */
export interface RocCurveOptions {
  /**
   * Keep at most about this many points (a point is kept when FPR or TPR moved by at least
   * 1/maxPoints since the last kept point; the last point is always kept). Default: all.
   */
  maxPoints?: number;
}

/**
 * The ROC curve at every distinct threshold (like sklearn's `roc_curve` with
 * `drop_intermediate=False`), optionally thinned for plotting, and its exact AUC.
 *
 * @example
 * ```ts
 * const { fpr, tpr, auc } = rocCurve(scores, labels, { maxPoints: 500 });
 * ```
 */
export function rocCurve(scores: ScoreInput, labels: LabelInput, options: RocCurveOptions = {}): RocCurve {
  const r = rankScores(scores, labels, 'rocCurve');
  requireBothClasses(r, 'rocCurve');
  const P = r.pos.length;
  const N = r.neg.length;
  const step = options.maxPoints ? 1 / options.maxPoints : 0;
  const fpr: number[] = [0];
  const tpr: number[] = [0];
  const thr: number[] = [Infinity];
  let tp = 0;
  let fp = 0;
  let area = 0;
  let lastF = 0;
  let lastT = 0;
  let pending = false;
  let pendingThr = 0;
  sweepDescending(r, (v, dtp, dfp) => {
    area += dfp * (tp + dtp / 2);
    tp += dtp;
    fp += dfp;
    const f = fp / N;
    const t = tp / P;
    if (f - lastF >= step || t - lastT >= step) {
      fpr.push(f);
      tpr.push(t);
      thr.push(r.value(v));
      lastF = f;
      lastT = t;
      pending = false;
    } else {
      pending = true;
      pendingThr = r.value(v);
    }
  });
  if (pending) {
    fpr.push(1);
    tpr.push(1);
    thr.push(pendingThr);
  }
  return { fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr), thresholds: Float64Array.from(thr), auc: area / (P * N) };
}
