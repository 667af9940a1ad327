/**
 * Decisions from normal images only: an image threshold at a stated false-positive rate, a
 * normalised score in [0, 1] with that threshold at 0.5, and a pixel threshold with one colour
 * scale for every map of a model. Everything here reads scores of normal images and nothing else:
 * no anomaly, no label.
 */
import { abs, add, div, mul, sub } from '../ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';

/** A threshold chosen on normal images' scores at a target false-positive rate. */
export interface FprThreshold {
  /** Anomalous when score ≥ value. */
  value: number;
  /** The false-positive rate asked for. */
  targetFpr: number;
  /** The fraction of the normal scores at or above `value` (≤ `targetFpr`). */
  fpr: number;
  /** How many normal scores it was chosen on. */
  images: number;
}

/**
 * The threshold that flags at most ⌊targetFpr·n⌋ of `n` normal scores (ties flag fewer), halfway
 * between the last flagged and the first unflagged score; when none may be flagged (e.g. 1 % of
 * 20 images), above the highest normal score by half its gap to the next lower one. Labels nothing but normal images:
 * the false-positive rate on unseen normal images is what it estimates.
 *
 * @throws RangeError on fewer than 2 scores, NaN scores, or `targetFpr` outside [0, 1).
 * @example
 * ```ts
 * thresholdAtFpr([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.2); // { value: 8.5, targetFpr: 0.2, fpr: 0.2, images: 10 }
 * ```
 */
export function thresholdAtFpr(normalScores: ArrayLike<number>, targetFpr: number): FprThreshold {
  if (!(targetFpr >= 0 && targetFpr < 1)) throw new RangeError(`thresholdAtFpr: the false-positive rate must be in [0, 1), got ${targetFpr}`);
  const n = normalScores.length;
  if (n < 2) throw new RangeError(`thresholdAtFpr: needs at least 2 normal scores, got ${n}`);
  const d = Float64Array.from(normalScores).sort().reverse();
  if (d.some(Number.isNaN)) throw new RangeError('thresholdAtFpr: the normal scores contain NaN');
  // 1e-9: 0.07·100 is 7.000000000000001, 0.29·100 is 28.999999999999996.
  let j = Math.min(n - 1, Math.floor(targetFpr * n + 1e-9));
  while (j > 0 && d[j - 1] === d[j]) j--;
  let value: number;
  if (j > 0) {
    value = (d[j] + d[j - 1]) / 2;
    if (!(value > d[j])) value = d[j - 1];
  } else {
    const next = d.find((v) => v < d[0]);
    value = next !== undefined ? d[0] + (d[0] - next) / 2 : d[0];
    if (!(value > d[0])) value = d[0] + Math.max(Math.abs(d[0]), 1) * 1e-6;
  }
  return { value, targetFpr, fpr: j / n, images: n };
}

/**
 * How raw scores map to [0, 1]: `threshold` goes to 0.5 and the spread of the normal scores
 * (`max − min`) sets the slope there, as anomalib's min-max normalisation does with its
 * validation scores.
 */
export interface ScoreNormalization {
  threshold: number;
  /** Lowest and highest normal score the threshold was chosen on. */
  min: number;
  max: number;
}

/**
 * The normalisation of scores whose threshold is `threshold`, fitted on the same normal scores.
 *
 * @example
 * ```ts
 * const norm = scoreNormalization(normalScores, thresholdAtFpr(normalScores, 0.01).value);
 * normalizeScore(norm.threshold, norm); // 0.5
 * ```
 */
export function scoreNormalization(normalScores: ArrayLike<number>, threshold: number): ScoreNormalization {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < normalScores.length; i++) {
    min = Math.min(min, normalScores[i]);
    max = Math.max(max, normalScores[i]);
  }
  if (!(max >= min) || !Number.isFinite(threshold)) throw new RangeError('scoreNormalization: needs finite normal scores and a finite threshold');
  return { threshold, min, max };
}

/**
 * A raw score in (0, 1): 0.5 + d / (1 + 2|d|) with d = (score − threshold) / (max − min). Near
 * the threshold this is anomalib's (score − threshold) / (max − min) + 0.5 (same slope); where
 * anomalib clips to [0, 1], this bends smoothly towards 0 and 1, so two anomalies keep their
 * order instead of both printing 1. Strictly increasing in the score; the threshold maps to 0.5
 * exactly, so `normalized ≥ 0.5` is the same decision as `score ≥ threshold`.
 *
 * @example
 * ```ts
 * normalizeScore(12, { threshold: 2, min: 1, max: 1.5 }); // 0.5 + 20/41 ≈ 0.988
 * ```
 */
export function normalizeScore(score: number, n: ScoreNormalization): number {
  const d = (score - n.threshold) / normalizationSpan(n);
  return 0.5 + d / (1 + 2 * Math.abs(d));
}

/** The divisor of d: the normal scores' spread (or, when they are all equal, the threshold's size). */
const normalizationSpan = (n: ScoreNormalization): number => (n.max > n.min ? n.max - n.min : Math.max(Math.abs(n.threshold), 1e-12));

/**
 * {@link normalizeScore} on a tensor of scores, for traced and exported programs.
 *
 * @example
 * ```ts
 * const normalized = normalizeScores(maps.nllScores, norm); // [N], 0.5 at the threshold
 * ```
 */
export function normalizeScores(scores: Tensor, n: ScoreNormalization): Tensor {
  const d = div(sub(scores, n.threshold), normalizationSpan(n));
  return add(0.5, div(d, add(1, mul(abs(d), 2))));
}

/**
 * A pixel threshold for defect masks and one colour scale for every map of a model, both fixed
 * by normal images' maps.
 */
export interface MapCalibration {
  /**
   * A pixel is a defect pixel when its map value is ≥ this: at most `targetFpr` of the normal
   * images have any such pixel (the image threshold rule applied to each image's highest pixel).
   */
  threshold: number;
  /** The median normal pixel: the bottom of the colour scale (typical normal texture is cold). */
  low: number;
  targetFpr: number;
  /** The fraction of the normal images with a defect pixel. */
  fpr: number;
  images: number;
}

/** At most this many pixels enter the median (an even stride over all of them). */
const MEDIAN_SAMPLE = 1 << 20;

/**
 * Fixes the pixel threshold and colour scale from the maps of normal images (image-major,
 * `pixels` values per image), e.g. the NLL maps of the validation images.
 *
 * @throws RangeError when the maps do not hold at least 2 whole images.
 * @example
 * ```ts
 * const cal = calibrateMaps(validation.nllMaps, 256 * 256, 0.01);
 * const { vmin, vmax } = mapColorRange(cal); // one colour scale for every heatmap of the model
 * ```
 */
export function calibrateMaps(maps: ArrayLike<number>, pixels: number, targetFpr: number): MapCalibration {
  const images = Math.floor(maps.length / pixels);
  if (!(pixels > 0) || images * pixels !== maps.length) throw new RangeError(`calibrateMaps: ${maps.length} values are not whole maps of ${pixels} pixels`);
  const peaks = new Float64Array(images);
  for (let i = 0; i < images; i++) {
    let m = -Infinity;
    for (let p = i * pixels; p < (i + 1) * pixels; p++) if (maps[p] > m) m = maps[p];
    peaks[i] = m;
  }
  const t = thresholdAtFpr(peaks, targetFpr);
  const stride = Math.max(1, Math.ceil(maps.length / MEDIAN_SAMPLE));
  const sample = new Float64Array(Math.ceil(maps.length / stride));
  for (let i = 0, j = 0; i < maps.length; i += stride) sample[j++] = maps[i];
  sample.sort();
  const low = sample[Math.floor((sample.length - 1) / 2)];
  return { threshold: t.value, low, targetFpr, fpr: t.fpr, images };
}

/**
 * The colour range of a calibration: `low` at the bottom, the pixel threshold in the middle
 * (so cold means normal on every image, and the defect contour sits at mid-scale).
 *
 * @example
 * ```ts
 * heatmapOverlay(image, map, mapColorRange(cal));
 * ```
 */
export function mapColorRange(cal: Pick<MapCalibration, 'threshold' | 'low'>): { vmin: number; vmax: number } {
  const half = cal.threshold > cal.low ? cal.threshold - cal.low : Math.max(Math.abs(cal.threshold), 1e-12);
  return { vmin: cal.threshold - half, vmax: cal.threshold + half };
}
