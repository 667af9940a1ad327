/**
 * F1-max: the best F1 score over all thresholds, and the threshold that gives it.
 */
import type { LabelInput, ScoreInput } from './inputs.js';
import { rankScores, sweepDescending } from './ranked.js';

/** Result of {@link f1Max}. */
export interface F1Max {
  f1: number;
  /** Predicted positive when score ≥ threshold. */
  threshold: number;
  precision: number;
  recall: number;
}

/**
 * Maximum F1 over all thresholds (predicted positive when score ≥ threshold, thresholds at the
 * distinct scores, as sklearn's `precision_recall_curve`). On equal F1 the highest threshold
 * wins. Works for image scores and for pixel maps (one array per image).
 *
 * @throws when there are no positives.
 * @example
 * ```ts
 * f1Max([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // { f1: 0.8, threshold: 0.35, precision: 2/3, recall: 1 }
 * ```
 */
export function f1Max(scores: ScoreInput, labels: LabelInput): F1Max {
  const r = rankScores(scores, labels, 'f1Max');
  const P = r.pos.length;
  if (P === 0) throw new Error('f1Max: needs at least one positive');
  let tp = 0;
  let fp = 0;
  let best: F1Max = { f1: -1, threshold: Infinity, precision: 0, recall: 0 };
  sweepDescending(r, (v, dtp, dfp) => {
    tp += dtp;
    fp += dfp;
    const f1 = (2 * tp) / (tp + fp + P);
    if (f1 > best.f1) best = { f1, threshold: r.value(v), precision: tp / (tp + fp), recall: tp / P };
    return tp < P;
  });
  return best;
}
