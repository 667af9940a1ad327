import { describe, expect, it } from 'vitest';
import {
  aupro,
  auproMsflow,
  auroc,
  f1Max,
  floatToKey,
  keyToFloat,
  labelComponents,
  numpyArange,
  pixelAuroc,
  radixSortKeys,
  radixSortPairs,
  rocCurve,
  sklearnAuc,
  trapezoidTo,
  evaluateAnomalyDetection,
} from '../src/index.js';
import { bruteAupro, bruteAuroc, bruteF1, bruteMsflowPro, bruteRegions, bruteTrapezoid, lcg } from './metrics_reference.js';

/** A random test set: `n` images of w×h with blob-ish masks, scores with ties (quantised) or not. */
function randomSet(seed: number, n: number, w: number, h: number, levels: number | null) {
  const r = lcg(seed);
  const maps: number[][] = [];
  const masks: number[][] = [];
  for (let k = 0; k < n; k++) {
    const m = new Array<number>(w * h).fill(0);
    if (k % 3 !== 0) {
      const blobs = 1 + Math.floor(r() * 3);
      for (let b = 0; b < blobs; b++) {
        const x0 = Math.floor(r() * w);
        const y0 = Math.floor(r() * h);
        const bw = 1 + Math.floor(r() * 3);
        const bh = 1 + Math.floor(r() * 3);
        for (let y = y0; y < Math.min(h, y0 + bh); y++) for (let x = x0; x < Math.min(w, x0 + bw); x++) m[y * w + x] = 1;
      }
      if (r() < 0.5) m[Math.floor(r() * w * h)] = 1; // stray pixels, often diagonal neighbours
    }
    const s = m.map((v) => {
      const u = r() + (v ? 0.35 : 0);
      return levels ? Math.round(u * levels) / levels : Math.fround(u);
    });
    maps.push(s);
    masks.push(m);
  }
  return { maps, masks };
}

describe('radix sort and float keys', () => {
  it('keys preserve float order; -0 equals +0; round-trips', () => {
    const vals = [-Infinity, -3.5, -1e-30, -0, 0, 1e-40, 0.1, 1, 3.5e38, Infinity];
    const keys = vals.map(floatToKey);
    for (let i = 1; i < keys.length; i++) expect(keys[i]).toBeGreaterThanOrEqual(keys[i - 1]);
    expect(floatToKey(-0)).toBe(floatToKey(0));
    for (const v of vals) expect(keyToFloat(floatToKey(v))).toBe(Math.fround(v) === 0 ? 0 : Math.fround(v));
    expect(() => floatToKey(NaN)).not.toThrow();
  });

  it('sorts keys and pairs like Array.sort', () => {
    const r = lcg(3);
    for (const n of [0, 1, 2, 17, 5000]) {
      const keys = Uint32Array.from({ length: n }, () => Math.floor(r() * 2 ** 32) >>> (r() < 0.5 ? 0 : 20));
      const expected = [...keys].sort((a, b) => a - b);
      expect([...radixSortKeys(keys.slice())]).toEqual(expected);
      const payload = Uint32Array.from({ length: n }, (_, i) => i);
      const sorted = radixSortPairs(keys.slice(), payload);
      expect([...sorted.keys]).toEqual(expected);
      for (let i = 0; i < n; i++) expect(keys[sorted.payload[i]]).toBe(sorted.keys[i]);
    }
  });
});

describe('AUROC', () => {
  it('hand-computed cases', () => {
    expect(auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auroc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(auroc([1, 2, 3, 4], [0, 0, 1, 1])).toBe(1);
    expect(auroc([4, 3, 2, 1], [0, 0, 1, 1])).toBe(0);
    // ties across classes: pos {2, 3}, neg {1, 2}: (1 + 0.5 + 1 + 1) / 4
    expect(auroc(Float32Array.of(2, 3, 1, 2), Uint8Array.of(1, 1, 0, 0))).toBe(0.875);
  });

  it('matches the pairwise definition on random cases (float32, float64, number[]; with ties)', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const r = lcg(seed);
      const n = 5 + Math.floor(r() * 300);
      const levels = seed % 2 ? 7 : 0;
      const s = Array.from({ length: n }, () => (levels ? Math.round(r() * levels) / levels : r()));
      const l = Array.from({ length: n }, (_, i) => (i === 0 ? 0 : i === 1 ? 1 : r() < 0.3 ? 1 : 0));
      const ref = bruteAuroc(s.map(Math.fround), l);
      expect(auroc(Float32Array.from(s), Uint8Array.from(l))).toBeCloseTo(ref, 12);
      expect(auroc(Float64Array.from(s, Math.fround), l)).toBeCloseTo(ref, 12);
      expect(auroc(s.map(Math.fround), l)).toBeCloseTo(ref, 12);
    }
  });

  it('pixel AUROC over per-image maps equals AUROC of the concatenation', () => {
    const { maps, masks } = randomSet(5, 6, 9, 7, 10);
    const f32 = maps.map((m) => Float32Array.from(m));
    const u8 = masks.map((m) => Uint8Array.from(m));
    expect(pixelAuroc(f32, u8)).toBeCloseTo(bruteAuroc(f32.flatMap((m) => [...m]), masks.flat()), 12);
  });

  it('ROC curve: sklearn points and exact area', () => {
    const c = rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect([...c.fpr]).toEqual([0, 0, 0.5, 0.5, 1]);
    expect([...c.tpr]).toEqual([0, 0.5, 0.5, 1, 1]);
    expect([...c.thresholds].map((t) => Math.fround(t))).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1].map(Math.fround));
    expect(c.auc).toBe(0.75);
    const r = lcg(9);
    const s = Float32Array.from({ length: 20000 }, () => r());
    const l = Uint8Array.from(s, (v) => (r() < v ? 1 : 0));
    const thin = rocCurve(s, l, { maxPoints: 100 });
    expect(thin.fpr.length).toBeLessThan(300);
    expect(thin.fpr[thin.fpr.length - 1]).toBe(1);
    expect(thin.auc).toBeCloseTo(auroc(s, l), 12);
  });

  it('rejects one-class input, NaN and mismatched lengths', () => {
    expect(() => auroc([1, 2], [1, 1])).toThrow(/both classes/);
    expect(() => auroc(Float32Array.of(1, NaN), [0, 1])).toThrow(/NaN/);
    expect(() => auroc([1, 2, 3], [0, 1])).toThrow(/3 values/);
  });
});

describe('F1-max', () => {
  it('hand-computed case', () => {
    const f = f1Max([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(f.f1).toBeCloseTo(0.8, 12);
    expect(f.threshold).toBeCloseTo(0.35, 6);
    expect(f.precision).toBeCloseTo(2 / 3, 12);
    expect(f.recall).toBe(1);
  });

  it('matches brute force on random cases', () => {
    for (let seed = 20; seed < 30; seed++) {
      const r = lcg(seed);
      const s = Array.from({ length: 200 }, () => Math.fround(Math.round(r() * 20) / 20));
      const l = s.map((v) => (r() < v ? 1 : 0));
      const ref = bruteF1(s, l);
      const got = f1Max(Float32Array.from(s), l);
      expect(got.f1).toBeCloseTo(ref.f1, 12);
      expect(got.threshold).toBe(ref.threshold);
    }
  });
});

describe('connected components (8-connectivity)', () => {
  it('hand-computed: diagonal pixels connect, separate blobs do not', () => {
    // 1 0 0 1
    // 0 1 0 1
    // 0 0 0 0
    // 1 1 0 0
    const m = [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0];
    const c = labelComponents(m, 4, 4);
    expect(c.count).toBe(3);
    expect([...c.areas]).toEqual([0, 2, 2, 2]);
    expect([...c.labels]).toEqual([1, 0, 0, 2, 0, 1, 0, 2, 0, 0, 0, 0, 3, 3, 0, 0]);
    // A U shape whose arms merge late (union-find must merge labels).
    const u = [1, 0, 1, 1, 0, 1, 1, 1, 1];
    expect(labelComponents(u, 3, 3).count).toBe(1);
  });

  it('matches flood fill on random masks', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = lcg(seed);
      const w = 3 + Math.floor(r() * 20);
      const h = 3 + Math.floor(r() * 20);
      const m = Array.from({ length: w * h }, () => (r() < 0.45 ? 1 : 0));
      const ref = bruteRegions(m, w, h);
      const c = labelComponents(m, w, h);
      expect(c.count).toBe(ref.length);
      for (const region of ref) {
        const l = c.labels[region[0]];
        expect(region.every((i) => c.labels[i] === l)).toBe(true);
        expect(c.areas[l]).toBe(region.length);
      }
    }
  });
});

describe('standard AUPRO (MVTec, FPR ≤ 0.3, normalised)', () => {
  it('hand-computed case with interpolation at 0.3', () => {
    // Pixels (desc score): 0.9 pos, 0.8 neg, 0.2 pos, 0.1 neg. One region of area 2, two normal
    // pixels. Curve (0,0) (0,.5) (.5,.5) (.5,1) (1,1): up to 0.3 the area is 0.3·0.5 = 0.15.
    const r = aupro(Float32Array.of(0.9, 0.2, 0.8, 0.1), Uint8Array.of(1, 1, 0, 0), { height: 1, width: 4 });
    expect(r.aupro).toBeCloseTo(0.5, 12);
    expect(r.regions).toBe(1);
    expect([...r.fpr.subarray(0, 3)]).toEqual([0, 0, 0.5]);
    expect([...r.pro.subarray(0, 3)]).toEqual([0, 0.5, 0.5]);
  });

  it('trapezoid rule matches the MVTec script', () => {
    expect(trapezoidTo([0, 0.5, 1], [0, 1, 1], 0.25)).toBeCloseTo(0.0625, 15);
    expect(trapezoidTo([0, 0.3, 1], [0, 1, 1], 0.3)).toBeCloseTo(0.15, 15);
    const x = [0, 0, 0.1, 0.2, 0.2, 0.45, 1];
    const y = [0, 0.2, 0.3, 0.5, 0.6, 0.9, 1];
    expect(trapezoidTo(x, y, 0.3)).toBeCloseTo(bruteTrapezoid(x, y, 0.3), 15);
  });

  it('matches per-threshold brute force on random sets (ties, float32/float64, several images)', () => {
    for (let seed = 1; seed <= 14; seed++) {
      const w = 5 + (seed % 5);
      const h = 4 + (seed % 3);
      const { maps, masks } = randomSet(seed, 2 + (seed % 4), w, h, seed % 2 ? 6 : null);
      const ref = bruteAupro(maps, masks, w, h);
      const f32 = aupro(maps.map((m) => Float32Array.from(m)), masks.map((m) => Uint8Array.from(m)), { height: h, width: w });
      expect(f32.aupro, `seed ${seed}`).toBeCloseTo(ref, 10);
      const f64 = aupro(maps.map((m) => Float64Array.from(m)), masks, { height: h, width: w });
      expect(f64.aupro, `seed ${seed}`).toBeCloseTo(ref, 10);
      // Concatenated input gives the same.
      expect(aupro(Float32Array.from(maps.flat()), Uint8Array.from(masks.flat()), { height: h, width: w }).aupro).toBeCloseTo(ref, 10);
    }
  });

  it('other FPR limits, including 1 (whole curve)', () => {
    const { maps, masks } = randomSet(77, 4, 8, 6, 5);
    for (const limit of [0.05, 0.3, 0.5, 1]) {
      const got = aupro(maps.map((m) => Float32Array.from(m)), masks, { height: 6, width: 8 }, { fprLimit: limit });
      expect(got.aupro).toBeCloseTo(bruteAupro(maps, masks, 8, 6, limit), 10);
    }
  });

  it('perfect and constant maps', () => {
    const masks = [Uint8Array.of(0, 1, 1, 0, 0, 0)];
    expect(aupro([Float32Array.of(0, 1, 1, 0, 0, 0)], masks, { height: 2, width: 3 }).aupro).toBeCloseTo(1, 12);
    // All scores tied: one point (1, 1) straight from (0, 0): area to 0.3 = 0.3·0.3/2 → 0.15.
    expect(aupro([new Float32Array(6)], masks, { height: 2, width: 3 }).aupro).toBeCloseTo(0.15, 12);
  });

  it('errors: no region, size mismatch', () => {
    expect(() => aupro([new Float32Array(4)], [new Uint8Array(4)], { height: 2, width: 2 })).toThrow(/no anomalous region/);
    expect(() => aupro([new Float32Array(5)], [new Uint8Array(4).fill(1)], { height: 2, width: 2 })).toThrow(/5 pixels/);
  });
});

describe("MSFlow's PRO (800 thresholds, spec §8)", () => {
  it('numpyArange reproduces NumPy 2.4 (lengths of 801, values, last value)', () => {
    // Produced with numpy 2.4.6: r = np.arange(a, b, (b - a) / 800) → len(r), r[123], r[-1].
    const a = 0.016527635528529094;
    const b = 0.8132702392002724;
    const r = numpyArange(a, b, (b - a) / 800);
    expect(r.length).toBe(801);
    expect(r[123]).toBe(0.13902681084305965);
    expect(r[800]).toBe(0.8132702392002725);
    const r2 = numpyArange(0.5253543224757259, 0.7214883401940817, (0.7214883401940817 - 0.5253543224757259) / 800);
    expect(r2.length).toBe(801);
    expect(r2[123]).toBe(0.5555099276999277);
    // float32 maps: a32, b32 = np.float32(a), np.float32(b); step = (b32 - a32) / 800 (float32);
    // np.arange(a32, b32, step) → 801 values (float64; the second one computed in float32),
    // r[123] = 0.5555082559585571.
    const a32 = Math.fround(0.5253543224757259);
    const b32 = Math.fround(0.7214883401940817);
    const st = Math.fround(Math.fround(b32 - a32) / 800);
    expect(st).toBe(0.0002451675245538354);
    const r3 = numpyArange(a32, b32, st, 'float32');
    expect(r3.length).toBe(801);
    expect(r3[123]).toBe(0.5555082559585571);
    expect(r3[800]).toBe(0.7214774489402771);
    expect([...numpyArange(0, 1, 0.25)]).toEqual([0, 0.25, 0.5, 0.75]);
  });

  it('hand-computed case (5 thresholds)', () => {
    // mask 1 1 0 0 0 0 0 0 (one region), scores 5 3.5 0 1 3 4 1 0; thresholds 0..4.
    // th 3: PRO 1, FPR 1/6; th 4: PRO 0.5, FPR 0 (others have FPR ≥ 1/3). Rescaled x [1, 0]:
    // area = (1 + 0.5)/2 = 0.75.
    const r = auproMsflow([Float64Array.of(5, 3.5, 0, 1, 3, 4, 1, 0)], [Uint8Array.of(1, 1, 0, 0, 0, 0, 0, 0)], { height: 1, width: 8 }, { steps: 5 });
    expect([...r.thresholds]).toEqual([0, 1, 2, 3, 4]);
    expect([...r.fpr]).toEqual([4 / 6, 2 / 6, 2 / 6, 1 / 6, 0]);
    expect([...r.pro]).toEqual([1, 1, 1, 1, 0.5]);
    expect(r.kept).toBe(2);
    expect(r.aupro).toBeCloseTo(0.75, 14);
  });

  it('differs from AUPRO on a saturated map, and says so (hand-computed)', () => {
    // 22 pixels: one region of 2 pixels at the maximum 1 (saturated), 20 normal pixels: 2 also
    // at 1, one at 0.85, one at 0.75, 16 at 0. Grid (10 steps) 0, 0.1, ..., 0.9; predicted = map > t.
    //   t 0 .. 0.7: FP 4 → FPR 0.2;  t 0.8: FP 3 → 0.15;  t 0.9: FP 2 → 0.1;  PRO 1 at every t.
    // MSFlow: all kept (FPR < 0.3), FPRs rescaled from [0.1, 0.2] to [0, 1], PRO 1 → area 1.
    // AUPRO: the tie block at 1 takes the curve from (0, 0) to (0.1, 1) in one step (area 0.05),
    // then PRO 1 up to 0.3 (area 0.2): 0.25 / 0.3 = 5/6.
    const map = Float64Array.of(1, 1, 1, 1, 0.85, 0.75, ...new Array<number>(16).fill(0));
    const mask = Uint8Array.of(1, 1, ...new Array<number>(20).fill(0));
    const shape = { height: 1, width: 22 };
    const m = auproMsflow([map], [mask], shape, { steps: 10 });
    expect([...m.fpr].map((v) => +v.toFixed(12))).toEqual([0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.15, 0.1]);
    expect([...m.pro]).toEqual(new Array(10).fill(1));
    expect(m.aupro).toBeCloseTo(1, 14);
    expect(m.lowestFpr).toBeCloseTo(0.1, 14);
    expect(m.normalAtMax).toBe(2);
    expect(aupro([map], [mask], shape).aupro).toBeCloseTo(5 / 6, 14);
    // Untied (no normal pixel at the maximum, the grid reaches FPR 0): no stretch to explain.
    const spread = Float64Array.of(1, 1, 0.55, 0.5, 0.45, 0.4, ...new Array<number>(16).fill(0));
    const u = auproMsflow([spread], [mask], shape, { steps: 10 });
    expect(u.lowestFpr).toBe(0);
    expect(u.normalAtMax).toBe(0);
  });

  it('evaluateAnomalyDetection explains a stretched MSFlow PRO', () => {
    const mask = Uint8Array.from({ length: 64 }, (_, i) => (i < 8 ? 1 : 0));
    const saturated = Float32Array.from({ length: 64 }, (_, i) => (i < 20 ? 1 : (i % 7) / 10));
    const ev = evaluateAnomalyDetection({ imageScores: [1, 0], labels: [1, 0], pixelMaps: [saturated, new Float32Array(64)], masks: [mask, new Uint8Array(64)], shape: { height: 8, width: 8 } });
    expect(ev.metrics.auproMsflow).toBeCloseTo(1, 12);
    expect(ev.metrics.aupro).toBeLessThan(0.9);
    expect(ev.notes.join('\n')).toMatch(/auproMsflow: MSFlow's 800-threshold grid reaches no FPR below 0\.100 \(12 normal pixels tie at the map's maximum/);
  });

  it('matches per-threshold brute force on random sets', () => {
    for (let seed = 31; seed <= 40; seed++) {
      const w = 6 + (seed % 4);
      const h = 5;
      const { maps, masks } = randomSet(seed, 3 + (seed % 3), w, h, seed % 2 ? 9 : null);
      const f32 = maps.map((m) => Float32Array.from(m));
      const got = auproMsflow(f32, masks, { height: h, width: w });
      expect(got.thresholds.length).toBeGreaterThanOrEqual(800);
      const ref = bruteMsflowPro(f32.map((m) => [...m]), masks, w, h, got.thresholds);
      expect(got.aupro, `seed ${seed}`).toBeCloseTo(ref, 10);
      const got64 = auproMsflow(maps.map((m) => Float64Array.from(m)), masks, { height: h, width: w }, { steps: 100 });
      expect(got64.thresholds.length).toBeGreaterThanOrEqual(100);
      expect(got64.aupro).toBeCloseTo(bruteMsflowPro(maps, masks, w, h, got64.thresholds), 10);
    }
  });

  it('sklearn auc semantics', () => {
    expect(sklearnAuc([1, 0.5, 0], [1, 1, 0])).toBeCloseTo(0.75, 15);
    expect(sklearnAuc([0, 0.5, 1], [0, 1, 1])).toBeCloseTo(0.75, 15);
    expect(() => sklearnAuc([0, 1, 0.5], [0, 1, 1])).toThrow(/neither/);
  });

  it('degenerate: constant maps give NaN', () => {
    expect(auproMsflow([new Float32Array(4)], [Uint8Array.of(1, 0, 0, 0)], { height: 2, width: 2 }).aupro).toBeNaN();
  });
});

describe('evaluateAnomalyDetection', () => {
  it('computes every metric and explains the missing ones', () => {
    const { maps, masks } = randomSet(3, 6, 8, 8, null);
    const f32 = maps.map((m) => Float32Array.from(m));
    const labels = masks.map((m) => (m.some((v) => v) ? 1 : 0));
    const scores = f32.map((m) => Math.max(...m));
    const ev = evaluateAnomalyDetection({ imageScores: scores, labels, pixelMaps: f32, masks, shape: { height: 8, width: 8 }, curves: true });
    expect(ev.metrics.imageAuroc).toBeCloseTo(bruteAuroc(scores, labels), 12);
    expect(ev.metrics.pixelAuroc).toBeCloseTo(bruteAuroc(maps.flat().map(Math.fround), masks.flat()), 12);
    expect(ev.metrics.aupro).toBeCloseTo(bruteAupro(f32.map((m) => [...m]), masks, 8, 8), 10);
    expect(ev.metrics.auproMsflow).toBeGreaterThan(0);
    expect(ev.thresholds.pixel).toBeDefined();
    expect(ev.curves?.pro?.fpr.length).toBeGreaterThan(2);
    const onlyImages = evaluateAnomalyDetection({ imageScores: scores, labels });
    expect(Object.keys(onlyImages.metrics).sort()).toEqual(['imageAuroc', 'imageF1Max']);
    expect(onlyImages.notes.join(' ')).toMatch(/no maps or no masks/);
  });
});
