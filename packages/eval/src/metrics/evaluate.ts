/**
 * All metrics of one test set in one call: image AUROC / F1-max from image scores, pixel AUROC /
 * F1-max from one map, standard AUPRO and MSFlow's PRO from another (MSFlow uses its additive
 * map for pixel AUROC and its multiplicative map for PRO, spec §6).
 */
import { aupro, type MapShape } from './aupro.js';
import { metricsByType, type TypeMetrics } from './by_type.js';
import { auproMsflow } from './aupro_msflow.js';
import { f1Max } from './f1.js';
import type { LabelInput, ScoreArray, ScoreInput } from './inputs.js';
import { auroc, pixelAuroc, rocCurve, type RocCurve } from './roc.js';

/** Inputs of {@link evaluateAnomalyDetection}. */
export interface EvaluationInput {
  /** One score per test image. */
  imageScores: ScoreArray;
  /** One label per test image (1 = anomalous). */
  labels: ArrayLike<number>;
  /** Maps for pixel AUROC and pixel F1-max (MSFlow: the additive map). */
  pixelMaps?: ScoreInput;
  /** Maps for the PRO metrics (MSFlow: the multiplicative map); default `pixelMaps`. */
  proMaps?: ScoreInput;
  /** Ground-truth masks, same layout as the maps. */
  masks?: LabelInput;
  /** Size of each map (needed for PRO). */
  shape?: MapShape;
  /** Also compute MSFlow's 800-threshold PRO (default true). */
  msflowPro?: boolean;
  /** Also compute pixel F1-max (default true). */
  pixelF1?: boolean;
  /** Return curves for plotting (default false). */
  curves?: boolean;
  /**
   * Defect type of each image (`good` for normal ones): adds {@link Evaluation.byType}, each
   * type against the normal images (pixel AUROC needs `pixelMaps` as one Float32Array and the
   * masks as one Uint8Array).
   */
  types?: readonly string[];
}

/** Output of {@link evaluateAnomalyDetection}. */
export interface Evaluation {
  /** Fractions in [0, 1]: imageAuroc, imageF1Max, pixelAuroc, pixelF1Max, aupro, auproMsflow. */
  metrics: Record<string, number>;
  /** F1-max thresholds. */
  thresholds: { image?: number; pixel?: number };
  curves?: { imageRoc?: RocCurve; pixelRoc?: RocCurve; pro?: { fpr: Float64Array; pro: Float64Array } };
  /** Seconds spent per metric. */
  timings: Record<string, number>;
  /** Metrics that could not be computed, and why. */
  notes: string[];
  /** Per defect type, when `types` was given. */
  byType?: TypeMetrics[];
}

/**
 * Computes every metric the inputs allow. Metrics that cannot be computed (one class only, no
 * masks) are left out and explained in `notes`.
 *
 * @example
 * ```ts
 * const ev = evaluateAnomalyDetection({ imageScores, labels, pixelMaps: addMaps, proMaps: mulMaps, masks, shape: { height: 256, width: 256 } });
 * ev.metrics.pixelAuroc; // e.g. 0.981
 * ```
 */
export function evaluateAnomalyDetection(input: EvaluationInput): Evaluation {
  const metrics: Record<string, number> = {};
  const thresholds: Evaluation['thresholds'] = {};
  const timings: Record<string, number> = {};
  const notes: string[] = [];
  const curves: NonNullable<Evaluation['curves']> = {};
  const labels = Uint8Array.from(input.labels as ArrayLike<number>, (v) => (v > 0 ? 1 : 0));
  const timed = <T>(name: string, f: () => T): T | undefined => {
    const t0 = performance.now();
    try {
      return f();
    } catch (err) {
      notes.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    } finally {
      timings[name] = (performance.now() - t0) / 1000;
    }
  };
  const hasBoth = labels.includes(0) && labels.includes(1);
  if (hasBoth) {
    if (input.curves) {
      const c = timed('imageAuroc', () => rocCurve(input.imageScores, labels));
      if (c) {
        metrics.imageAuroc = c.auc;
        curves.imageRoc = c;
      }
    } else {
      const a = timed('imageAuroc', () => auroc(input.imageScores, labels));
      if (a !== undefined) metrics.imageAuroc = a;
    }
    const f = timed('imageF1Max', () => f1Max(input.imageScores, labels));
    if (f) {
      metrics.imageF1Max = f.f1;
      thresholds.image = f.threshold;
    }
  } else notes.push('image metrics: the test set needs both normal and anomalous images');

  if (input.pixelMaps && input.masks) {
    if (input.curves) {
      const c = timed('pixelAuroc', () => rocCurve(input.pixelMaps!, input.masks!, { maxPoints: 2000 }));
      if (c) {
        metrics.pixelAuroc = c.auc;
        curves.pixelRoc = c;
      }
    } else {
      const a = timed('pixelAuroc', () => pixelAuroc(input.pixelMaps!, input.masks!));
      if (a !== undefined) metrics.pixelAuroc = a;
    }
    if (input.pixelF1 ?? true) {
      const f = timed('pixelF1Max', () => f1Max(input.pixelMaps!, input.masks!));
      if (f) {
        metrics.pixelF1Max = f.f1;
        thresholds.pixel = f.threshold;
      }
    }
  } else notes.push('pixel metrics: no maps or no masks');

  const proMaps = input.proMaps ?? input.pixelMaps;
  if (proMaps && input.masks && input.shape) {
    const r = timed('aupro', () => aupro(proMaps, input.masks!, input.shape!));
    if (r) {
      metrics.aupro = r.aupro;
      if (input.curves) curves.pro = { fpr: r.fpr, pro: r.pro };
    }
    if (input.msflowPro ?? true) {
      const m = timed('auproMsflow', () => auproMsflow(proMaps, input.masks!, input.shape!));
      if (m && Number.isFinite(m.aupro)) {
        metrics.auproMsflow = m.aupro;
        // Past a tenth of the range, the stretched area says little about low FPRs.
        if (m.lowestFpr > 0.1 * 0.3) {
          notes.push(
            `auproMsflow: MSFlow's 800-threshold grid reaches no FPR below ${m.lowestFpr.toFixed(3)} (${m.normalAtMax} normal pixels tie at the map's maximum, a saturated map), ` +
              `and its rescaling stretches [${m.lowestFpr.toFixed(3)}, 0.3) over [0, 1]: not comparable with aupro`,
          );
        }
      } else if (m) notes.push('auproMsflow: fewer than 2 thresholds with FPR < 0.3');
    }
  } else if (proMaps && input.masks) notes.push('PRO metrics: no map shape given');
  const out: Evaluation = { metrics, thresholds, timings, notes };
  if (input.curves) out.curves = curves;
  if (input.types) {
    const flat = input.pixelMaps instanceof Float32Array && input.masks instanceof Uint8Array;
    const byType = timed('byType', () =>
      metricsByType({ imageScores: input.imageScores, labels, types: input.types!, ...(flat ? { pixelMaps: input.pixelMaps as Float32Array, masks: input.masks as Uint8Array } : {}) }),
    );
    if (byType) out.byType = byType;
  }
  return out;
}
