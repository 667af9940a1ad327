/**
 * MSFlow's PRO metric (spec §8), kept for comparison with the MSFlow paper's tables: 800 equally
 * spaced thresholds (NumPy `arange` semantics, so sometimes 801), predicted = score > threshold,
 * PRO = mean overlap over all 8-connected regions of all images, FPR pooled over normal pixels,
 * only thresholds with FPR < 0.3 kept, FPRs min-max rescaled to [0, 1] (not divided by 0.3),
 * trapezoidal area (sklearn `auc`).
 *
 * Why it can differ from {@link aupro} by a lot: the rescaling stretches whatever FPR range the
 * grid reaches, [lowest, 0.3), over [0, 1]. Pixels above the grid's top threshold (max − step)
 * are never separated, so their normal pixels' share is the lowest FPR reached. On a map whose
 * values tie at the maximum, as MSFlow's multiplicative map does once it saturates (1 − exp(M −
 * max M) is exactly 1 in float32 for every pixel ~17 nats below its image's best), that share
 * can be most of the 0.3: the demo reaches FPR 0.196 at best, PRO is 1 from there to 0.3, and
 * the stretched area is 100 where AUPRO, integrating from FPR 0, is 80. The result reports
 * `lowestFpr` and `normalAtMax` so a caller can tell.
 */
import { scoreParts, type LabelInput, type ScoreInput } from './inputs.js';
import type { MapShape } from './aupro.js';
import { indexRegions } from './regions.js';
import { sklearnAuc } from './trapezoid.js';

/** Options of {@link auproMsflow}. */
export interface MsflowAuproOptions {
  /** Number of threshold steps (default 800). */
  steps?: number;
  /** Keep thresholds with FPR below this (default 0.3). */
  fprLimit?: number;
  /**
   * How the step (max − min)/steps is computed: `float32` as NumPy does for float32 maps (what
   * MSFlow's torch-produced maps are), `float64` for float64 maps. Default `auto`: float32 for
   * `Float32Array` maps, float64 otherwise. The grid itself is always float64 (NumPy ≥ 2 `arange`).
   */
  stepPrecision?: 'auto' | 'float32' | 'float64';
}

/** Result of {@link auproMsflow}. */
export interface MsflowAuproResult {
  /** Area in [0, 1] (×100 for the paper's tables); NaN when fewer than 2 thresholds have distinct FPR < limit. */
  aupro: number;
  /** All thresholds and their FPR / PRO (before the FPR filter). */
  thresholds: Float64Array;
  fpr: Float64Array;
  pro: Float64Array;
  /** Number of thresholds kept (FPR < limit). */
  kept: number;
  regions: number;
  /** The lowest FPR the grid reaches: the rescaling stretches [lowestFpr, limit) over [0, 1]. */
  lowestFpr: number;
  /** Normal pixels equal to the maps' maximum (many: a saturated map). */
  normalAtMax: number;
}

/**
 * NumPy's `arange(start, stop, step)` for float scalars: length ceil((stop − start)/step), first
 * two values start and start + step, then start + i·d with d = (second − first) in float64
 * (NumPy's fill rule), so the length is sometimes one more than expected and the last value may
 * even exceed `stop`. With `scalars: 'float32'` (NumPy float32 scalars, e.g. the min/max of a
 * float32 map) the length and the second value are computed in float32, as NumPy does; the
 * result is float64 either way.
 *
 * @example
 * ```ts
 * numpyArange(0, 1, 0.25); // [0, 0.25, 0.5, 0.75]
 * ```
 */
export function numpyArange(start: number, stop: number, step: number, scalars: 'float64' | 'float32' = 'float64'): Float64Array {
  const f = scalars === 'float32' ? Math.fround : (x: number): number => x;
  const len = Math.max(0, Math.ceil(f(f(stop - start) / step)));
  const out = new Float64Array(len);
  if (len === 0) return out;
  out[0] = start;
  if (len > 1) out[1] = f(start + step);
  const delta = out[1] - out[0];
  for (let i = 2; i < len; i++) out[i] = start + i * delta;
  return out;
}

/**
 * MSFlow's 800-threshold AUPRO (see the module description). Computed in one pass over the
 * pixels plus O(thresholds), exactly equal to evaluating every threshold separately.
 *
 * @throws when there is no region or no normal pixel, or the sizes disagree.
 * @example
 * ```ts
 * const { aupro } = auproMsflow(mulMaps, masks, { height: 512, width: 512 }); // ×100 → paper's PRO
 * ```
 */
export function auproMsflow(maps: ScoreInput, masks: LabelInput, shape: MapShape, options: MsflowAuproOptions = {}): MsflowAuproResult {
  const steps = options.steps ?? 800;
  const limit = options.fprLimit ?? 0.3;
  const regions = indexRegions(masks, shape.width, shape.height);
  const parts = scoreParts(maps);
  const total = parts.reduce((s, p) => s + p.length, 0);
  if (total !== regions.regionOf.length) throw new Error(`auproMsflow: maps have ${total} pixels but masks have ${regions.regionOf.length}`);
  if (regions.count === 0) throw new Error('auproMsflow: the masks contain no anomalous region');
  if (regions.negatives === 0) throw new Error('auproMsflow: the masks contain no normal pixel');

  let min = Infinity;
  let max = -Infinity;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const v = p[i];
      if (v < min) min = v;
      if (v > max) max = v;
      if (Number.isNaN(v)) throw new Error('auproMsflow: maps contain NaN');
    }
  }
  let normalAtMax = 0;
  for (let p = 0, g = 0; p < parts.length; p++) for (let i = 0; i < parts[p].length; i++, g++) if (parts[p][i] === max && regions.regionOf[g] === 0) normalAtMax++;
  const empty = { aupro: NaN, thresholds: new Float64Array(0), fpr: new Float64Array(0), pro: new Float64Array(0), kept: 0, regions: regions.count, lowestFpr: normalAtMax / regions.negatives, normalAtMax };
  if (!(max > min)) return empty;
  const mode = options.stepPrecision ?? 'auto';
  const f32 = mode === 'float32' || (mode === 'auto' && parts.every((p) => p instanceof Float32Array));
  const step = f32 ? Math.fround(Math.fround(Math.fround(max) - Math.fround(min)) / steps) : (max - min) / steps;
  const th = numpyArange(min, max, step, f32 ? 'float32' : 'float64');
  const T = th.length;
  if (T === 0) return empty;
  const d = th.length > 1 ? th[1] - th[0] : step;

  // cnt(s) = number of thresholds strictly below s: the pixel is predicted anomalous at
  // thresholds 0..cnt-1.
  const fpHist = new Float64Array(T + 1);
  const proHist = new Float64Array(T + 1);
  const { regionOf, areas } = regions;
  let g = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++, g++) {
      const s = p[i];
      let j = Math.floor((s - th[0]) / d) + 1;
      if (j < 0) j = 0;
      if (j > T) j = T;
      while (j < T && th[j] < s) j++;
      while (j > 0 && th[j - 1] >= s) j--;
      const r = regionOf[g];
      if (r === 0) fpHist[j]++;
      else proHist[j] += 1 / areas[r];
    }
  }
  const fpr = new Float64Array(T);
  const pro = new Float64Array(T);
  let fp = fpHist[T];
  let ps = proHist[T];
  for (let i = T - 1; i >= 0; i--) {
    fpr[i] = fp / regions.negatives;
    pro[i] = ps / regions.count;
    fp += fpHist[i];
    ps += proHist[i];
  }
  const keptF: number[] = [];
  const keptP: number[] = [];
  for (let i = 0; i < T; i++) {
    if (fpr[i] < limit) {
      keptF.push(fpr[i]);
      keptP.push(pro[i]);
    }
  }
  let aupro = NaN;
  if (keptF.length >= 2) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of keptF) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi > lo) aupro = sklearnAuc(keptF.map((v) => (v - lo) / (hi - lo)), keptP);
  }
  return { aupro, thresholds: th, fpr, pro, kept: keptF.length, regions: regions.count, lowestFpr: fpr[T - 1], normalAtMax };
}
