/**
 * AUPRO, the standard way (MVTec AD's evaluation script, also used by anomalib's reports): one
 * global sort of all pixels, PRO = mean overlap of the 8-connected ground-truth regions, FPR over
 * all normal pixels, area up to FPR 0.3 with interpolation at 0.3, divided by 0.3.
 */
import { allFloat32, scoreParts, type LabelInput, type ScoreInput } from './inputs.js';
import { indexRegions } from './regions.js';
import { keyToFloat, radixSortPairs, selectKey, writeKeys } from './sort.js';
import { trapezoidTo } from './trapezoid.js';

/** Options of {@link aupro}. */
export interface AuproOptions {
  /** Integration limit on the FPR axis (default 0.3). */
  fprLimit?: number;
}

/** Result of {@link aupro}. */
export interface AuproResult {
  /** Normalised area in [0, 1]. */
  aupro: number;
  /**
   * The PRO curve at every distinct threshold, from (0, 0) up to the first point past
   * `fprLimit` (the rest of the curve is not computed).
   */
  fpr: Float64Array;
  pro: Float64Array;
  /** Threshold of each point (predicted anomalous when score ≥ threshold); `Infinity` first. */
  thresholds: Float64Array;
  /** Number of ground-truth regions. */
  regions: number;
}

/** Image size of the maps and masks. */
export interface MapShape {
  height: number;
  width: number;
}

/**
 * Standard AUPRO up to FPR 0.3 (normalised by 0.3), as MVTec AD's `compute_pro` +
 * `trapezoid(..., x_max=0.3)`. Maps and masks are given per image or concatenated; all images
 * have the size `shape`. Float32 maps are sorted with a radix sort; only the pixels needed to
 * reach the FPR limit are sorted.
 *
 * @throws when there is no anomalous region or no normal pixel, or the sizes disagree.
 * @example
 * ```ts
 * const { aupro: score } = aupro(maps, masks, { height: 256, width: 256 });
 * ```
 */
export function aupro(maps: ScoreInput, masks: LabelInput, shape: MapShape, options: AuproOptions = {}): AuproResult {
  const limit = options.fprLimit ?? 0.3;
  if (!(limit > 0 && limit <= 1)) throw new Error(`aupro: fprLimit must be in (0, 1], got ${limit}`);
  const regions = indexRegions(masks, shape.width, shape.height);
  const parts = scoreParts(maps);
  const total = parts.reduce((s, p) => s + p.length, 0);
  if (total !== regions.regionOf.length) throw new Error(`aupro: maps have ${total} pixels but masks have ${regions.regionOf.length}`);
  const N0 = regions.negatives;
  const R = regions.count;
  if (R === 0) throw new Error('aupro: the masks contain no anomalous region');
  if (N0 === 0) throw new Error('aupro: the masks contain no normal pixel');
  const { regionOf } = regions;
  const invArea = regions.areas.map((a) => (a > 0 ? 1 / a : 0));

  // Enough of the most anomalous pixels to pass the FPR limit: all pixels scoring at least as
  // high as the k-th highest-scoring normal pixel.
  const k = Math.min(N0, Math.floor(limit * N0) + 2);
  const cut = k < N0 && limit < 1;

  let order: { vals: ArrayLike<number>; rid: Uint32Array; value: (v: number) => number };
  if (allFloat32(parts)) {
    const keys = new Uint32Array(total);
    let off = 0;
    for (const p of parts) {
      writeKeys(p, keys, off, 'aupro: maps');
      off += p.length;
    }
    let vKey = 0;
    let upper = total;
    if (cut) {
      const sel = selectKey(keys, N0 - k, regionOf);
      vKey = sel.key;
      upper = sel.atLeast + (total - N0);
    }
    let sk = new Uint32Array(upper);
    let sp = new Uint32Array(upper);
    let m = 0;
    for (let i = 0; i < total; i++) {
      const key = keys[i];
      if (key >= vKey) {
        sk[m] = ~key >>> 0; // descending
        sp[m++] = regionOf[i];
      }
    }
    sk = sk.subarray(0, m);
    sp = sp.subarray(0, m);
    const sorted = radixSortPairs(sk, sp);
    order = { vals: sorted.keys, rid: sorted.payload, value: (v) => keyToFloat(~v >>> 0) };
  } else {
    const vals = new Float64Array(total);
    let off = 0;
    for (const p of parts) {
      for (let i = 0; i < p.length; i++) {
        const v = p[i];
        if (Number.isNaN(v)) throw new Error(`aupro: maps contain NaN (at pixel ${off + i})`);
        vals[off + i] = v;
      }
      off += p.length;
    }
    let v0 = -Infinity;
    if (cut) {
      const neg = new Float64Array(N0);
      for (let i = 0, j = 0; i < total; i++) if (regionOf[i] === 0) neg[j++] = vals[i];
      neg.sort();
      v0 = neg[N0 - k];
    }
    const idx: number[] = [];
    for (let i = 0; i < total; i++) if (vals[i] >= v0) idx.push(i);
    const sel = Uint32Array.from(idx).sort((a, b) => vals[b] - vals[a]);
    order = { vals: Float64Array.from(sel, (i) => vals[i]), rid: Uint32Array.from(sel, (i) => regionOf[i]), value: (v) => v };
  }

  const { vals, rid } = order;
  const m = rid.length;
  // At most one point per distinct score, plus the start and a possible (1, 1) end.
  const fpr = new Float64Array(m + 2);
  const pro = new Float64Array(m + 2);
  const thr = new Float64Array(m + 2);
  thr[0] = Infinity;
  let n = 1;
  let fp = 0;
  let proSum = 0;
  let i = 0;
  let passed = false;
  while (i < m) {
    const v = vals[i];
    while (i < m && vals[i] === v) {
      const r = rid[i++];
      if (r === 0) fp++;
      else proSum += invArea[r];
    }
    const f = Math.min(fp / N0, 1);
    fpr[n] = f;
    pro[n] = Math.min(proSum / R, 1);
    thr[n++] = order.value(v);
    if (f > limit) {
      passed = true;
      break;
    }
  }
  if (!passed) {
    fpr[n] = 1;
    pro[n] = 1;
    thr[n++] = -Infinity;
  }
  const area = trapezoidTo(fpr.subarray(0, n), pro.subarray(0, n), limit);
  return { aupro: area / limit, fpr: fpr.slice(0, n), pro: pro.slice(0, n), thresholds: thr.slice(0, n), regions: R };
}
