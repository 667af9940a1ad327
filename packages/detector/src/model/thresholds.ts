import { calibrateMaps, normalizeScore, scoreNormalization, thresholdAtFpr, type EvaluationOutput, type MapCalibration, type ScoreNormalization } from '@msflow/core';
import { f1Max } from '@msflow/eval/browser';

/**
 * The decision a checkpoint stores for the user-facing score (core's `nllScores`: top-k mean of
 * the negative log-likelihood map), chosen from normal images only.
 */
export interface NormalThreshold {
  /** The score it applies to. */
  score: 'nll';
  /** Anomalous when score ≥ value. */
  value: number;
  /** How it was chosen: the false-positive rate asked for (`--fpr`). */
  targetFpr: number;
  /** The false-positive rate on the normal images it was chosen on. */
  fpr: number;
  /** `validation`: images held out of training; `train`: the training images' own scores (optimistic). */
  source: 'validation' | 'train';
  images: number;
  /** The normal scores' range: with `value`, the normalisation (value → 0.5). */
  normal: { min: number; max: number };
  /** Pixel threshold (defect masks) and colour scale, from the same images' NLL maps. */
  pixel: Omit<MapCalibration, 'images'>;
}

/** Normal training images held out by default: the threshold's false-positive rate is estimated on images the flows did not fit. */
export const DEFAULT_VAL_SPLIT = 0.2;
/** Default false-positive rate of the image threshold chosen on normal images. */
export const DEFAULT_FPR = 0.01;

/**
 * Image-score thresholds stored in the checkpoint sidecar. `predict` labels an image anomalous
 * when its score is at or above the chosen one.
 */
export interface Thresholds {
  /** The default: at a stated false-positive rate on normal images (no anomaly, no label read). */
  normal?: NormalThreshold;
  /**
   * F1-max on labelled images (`test`: the test set; `validation`: a labelled held-out set), on
   * the user-facing score (`score: 'nll'`). Records without `score` come from older versions and
   * are on the paper's score: read, never applied.
   */
  f1?: { value: number; f1: number; source: 'test' | 'validation'; images: number; score?: 'nll' };
  /** Older versions: a quantile of the paper's score on normal images. Read, never applied. */
  quantile?: { value: number; q: number; source: 'train' | 'validation'; images: number };
}

/** Threshold modes of `--threshold`: `auto` is the normal-image threshold. */
export type ThresholdMode = 'auto' | 'fpr' | 'f1';

/** A threshold ready to apply, and how it came about (what `predict` prints). */
export interface ChosenThreshold {
  value: number;
  from: string;
  /** Maps scores to (0, 1) with `value` at 0.5 (absent for a bare number without stored normal scores). */
  normalization?: ScoreNormalization;
  /** Pixel threshold and colour scale of the maps. */
  pixel?: NormalThreshold['pixel'];
}

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
 * The threshold, normalisation, pixel threshold and colour scale of a model, from its scoring of
 * normal images only (`evaluate(model, normal, { maps: true })`): nothing here reads a label.
 *
 * @example
 * ```ts
 * const normal = normalThreshold(await evaluate(model, validation), 0.01, 'validation');
 * normal.value; // anomalous when the user-facing score is at or above this
 * ```
 */
export function normalThreshold(normal: EvaluationOutput, targetFpr: number, source: NormalThreshold['source']): NormalThreshold {
  if (!normal.nllMaps) throw new Error('normalThreshold: the evaluation kept no maps (evaluate with maps: true)');
  const t = thresholdAtFpr(normal.nllScores, targetFpr);
  const n = scoreNormalization(normal.nllScores, t.value);
  const { images: _images, ...pixel } = calibrateMaps(normal.nllMaps, normal.shape.height * normal.shape.width, targetFpr);
  return { score: 'nll', value: t.value, targetFpr, fpr: t.fpr, source, images: t.images, normal: { min: n.min, max: n.max }, pixel };
}

/**
 * The F1-max threshold of labelled user-facing scores, or undefined when both labels are not present.
 *
 * @example
 * ```ts
 * f1Threshold([0.1, 0.9], [0, 1], 'test'); // { value: 0.9, f1: 1, source: 'test', images: 2, score: 'nll' }
 * ```
 */
export function f1Threshold(scores: ArrayLike<number>, labels: ArrayLike<number>, source: 'test' | 'validation'): Thresholds['f1'] {
  const l = Array.from(labels);
  if (!l.includes(0) || !l.includes(1)) return undefined;
  const r = f1Max(Float32Array.from(scores), Uint8Array.from(l));
  return { value: r.threshold, f1: r.f1, source, images: l.length, score: 'nll' };
}

/**
 * How a stored normal threshold does on a labelled set: the false-positive rate on its normal
 * images (to print beside the target) and the share of its anomalous images it flags.
 *
 * @example
 * ```ts
 * const d = thresholdOnSet(t.normal.value, output.nllScores, set.labels); // { fpr: 0.05, recall: 0.97, normals: 20, anomalous: 63 }
 * ```
 */
export function thresholdOnSet(value: number, scores: ArrayLike<number>, labels: ArrayLike<number>): { fpr?: number; recall?: number; normals: number; anomalous: number } {
  let normals = 0;
  let anomalous = 0;
  let fp = 0;
  let tp = 0;
  for (let i = 0; i < labels.length; i++) {
    const flagged = scores[i] >= value;
    if (labels[i]) {
      anomalous++;
      if (flagged) tp++;
    } else {
      normals++;
      if (flagged) fp++;
    }
  }
  return { ...(normals ? { fpr: fp / normals } : {}), ...(anomalous ? { recall: tp / anomalous } : {}), normals, anomalous };
}

/** How a normal threshold was chosen, in words. */
export function describeNormalThreshold(t: NormalThreshold): string {
  const where = t.source === 'validation' ? `${t.images} held-out normal images` : `the ${t.images} training images, optimistic without a validation split`;
  return `FPR ${t.targetFpr} on ${where} (${(t.fpr * 100).toFixed(1)}% flagged there)`;
}

/**
 * The threshold `predict` applies to the user-facing score: a number, the stored normal-image
 * threshold (`auto`, `fpr`), or the stored F1-max one (`f1`, only where labelled anomalies gave
 * one). Undefined when none is stored (older checkpoints store thresholds on the paper's score,
 * which the user-facing score cannot use).
 *
 * @example
 * ```ts
 * pickThreshold(sidecar.cli.thresholds, 'auto'); // { value: 14.2, from: 'FPR 0.01 on 41 held-out normal images (0.0% flagged there)', normalization, pixel }
 * ```
 */
export function pickThreshold(t: Thresholds, mode: ThresholdMode | number): ChosenThreshold | undefined {
  const normal = t.normal;
  const scale = (value: number) => (normal ? { normalization: { threshold: value, ...normal.normal }, pixel: normal.pixel } : {});
  if (typeof mode === 'number') return { value: mode, from: '--threshold', ...scale(mode) };
  if (mode === 'f1') return t.f1?.score === 'nll' ? { value: t.f1.value, from: `F1-max on ${t.f1.images} labelled ${t.f1.source} images`, ...scale(t.f1.value) } : undefined;
  return normal ? { value: normal.value, from: describeNormalThreshold(normal), ...scale(normal.value) } : undefined;
}

/** Why {@link pickThreshold} found nothing, for the one-line error. */
export function missingThreshold(t: Thresholds, mode: ThresholdMode | number): string {
  if (mode === 'f1') return t.f1 ? 'its F1-max threshold is on the paper score of an older version (run msflow test on a labelled set)' : 'it holds no F1-max threshold (run msflow test on a labelled set)';
  return t.f1 || t.quantile
    ? 'its thresholds are on the paper score of an older version (run msflow test --fpr 0.01 to choose one from its held-out normal images, or pass a number)'
    : 'it holds no threshold (run msflow test --fpr 0.01, or pass a number)';
}

/**
 * A score mapped to (0, 1) with the chosen threshold at 0.5 (NaN without a normalisation).
 *
 * @example
 * ```ts
 * normalized(score, pickThreshold(thresholds, 'auto')); // ≥ 0.5 exactly when score ≥ threshold
 * ```
 */
export function normalized(score: number, t: ChosenThreshold | undefined): number {
  return t?.normalization ? normalizeScore(score, t.normalization) : NaN;
}
