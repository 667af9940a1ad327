import { useReferenceBackend } from '@msflow/core/testing';
import { describe, expect, it } from 'vitest';
import type { FeatureSet } from '@msflow/core';
import { auroc, backendDot, gaussianBlur, gaussianKernel, jsDot, KnnBaseline, localMean, makeBank, nearestDistances, resizeBilinear, selectCoreset } from '../src/index.js';
import { lcg } from './metrics_reference.js';

/** Deterministic values in [-1, 1). */
function noise(n: number, seed: number): Float32Array {
  const r = lcg(seed);
  return Float32Array.from({ length: n }, () => 2 * r() - 1);
}

/** Brute-force nearest distance, float64. */
function bruteNearest(q: Float32Array, m: number, b: Float32Array, n: number, d: number): number[] {
  return Array.from({ length: m }, (_, i) => {
    let best = Infinity;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (q[i * d + k] - b[j * d + k]) ** 2;
      best = Math.min(best, s);
    }
    return Math.sqrt(best);
  });
}

describe('nearest-neighbour distances', () => {
  it('gives exactly 0 for a query equal to a bank row and the known 3-4-5 distance', async () => {
    // Large offsets make the ||a||²+||b||²−2ab expansion cancel badly; the exact recheck must still give 0.
    const bank = makeBank(new Float32Array([100, 200, 103, 204, -7, 1]), 3, 2);
    const { distances, indices } = await nearestDistances(new Float32Array([103, 204, 100, 196]), 2, bank);
    expect([...distances]).toEqual([0, 4]);
    expect([...indices]).toEqual([1, 0]);
    const r = await nearestDistances(new Float32Array([3, 4]), 1, makeBank(new Float32Array([0, 0, 30, 40]), 2, 2));
    expect(r.distances[0]).toBe(5);
  });

  it('matches brute force with bank blocks and odd sizes (jsDot and the backend matmul)', async () => {
    const [m, n, d] = [13, 37, 9];
    const q = noise(m * d, 1);
    const b = noise(n * d, 2);
    const want = bruteNearest(q, m, b, n, d);
    const bank = makeBank(b, n, d);
    for (const bankBlock of [1, 5, 37, 100]) {
      const got = await nearestDistances(q, m, bank, { bankBlock });
      got.distances.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    }
    useReferenceBackend();
    const viaBackend = await nearestDistances(q, m, bank, { dot: backendDot, bankBlock: 8 });
    viaBackend.distances.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it('jsDot computes A·Bᵀ', async () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 2, 0, 0]);
    expect([...(await jsDot(a, 2, b, 5, 3))]).toEqual([1, 2, 3, 6, 2, 4, 5, 6, 15, 8]);
  });

  it('rejects mismatched sizes and an empty bank', async () => {
    await expect(nearestDistances(new Float32Array(3), 2, makeBank(new Float32Array(4), 2, 2))).rejects.toThrow(/need 4 values/);
    await expect(nearestDistances(new Float32Array(2), 1, makeBank(new Float32Array(0), 0, 2))).rejects.toThrow(/empty/);
  });
});

describe('coreset', () => {
  const n = 200;
  const d = 6;
  const data = noise(n * d, 3);

  it('is reproducible for a seed and differs across seeds', () => {
    for (const method of ['random', 'greedy'] as const) {
      const a = selectCoreset(data, n, d, { method, size: 20, seed: 5, projection: 4 });
      const b = selectCoreset(data, n, d, { method, size: 20, seed: 5, projection: 4 });
      const c = selectCoreset(data, n, d, { method, size: 20, seed: 6, projection: 4 });
      expect([...a]).toEqual([...b]);
      expect([...a]).not.toEqual([...c]);
      expect(new Set(a).size).toBe(20);
      expect([...a]).toEqual([...a].sort((x, y) => x - y));
    }
  });

  it('greedy keeps outliers that a random subset of the same size misses', () => {
    // 100 copies of one point and 3 far outliers: greedy (k-center) must take all 4 distinct points.
    const rows = 103;
    const x = new Float32Array(rows * 2);
    x.set([50, 0, 0, 50, -50, -50], 100 * 2);
    const keep = selectCoreset(x, rows, 2, { method: 'greedy', size: 4, seed: 0 });
    expect([...keep].filter((i) => i >= 100)).toEqual([100, 101, 102]);
    // Asking for more rows than there are distinct points gives each distinct point once.
    expect(selectCoreset(x, rows, 2, { method: 'greedy', size: 10, seed: 0 }).length).toBe(4);
  });

  it('keeps everything when the bank is already small enough', () => {
    expect(selectCoreset(data, n, d, { method: 'greedy', size: 500, seed: 0 }).length).toBe(n);
  });
});

describe('resampling', () => {
  it('bilinear follows half-pixel centres (align_corners false)', () => {
    expect([...resizeBilinear(new Float32Array([0, 1]), 1, 2, 1, 1, 4)]).toEqual([0, 0.25, 0.75, 1]);
    expect(resizeBilinear(new Float32Array([7]), 1, 1, 1, 3, 3).every((v) => v === 7)).toBe(true);
  });

  it('local mean averages the in-image part of the window', () => {
    expect([...localMean(new Float32Array([0, 3, 6]), 1, 3, 1, 3)]).toEqual([1.5, 3, 4.5]);
    // Two channels stay separate.
    expect([...localMean(new Float32Array([0, 10, 2, 20]), 1, 2, 2, 3)]).toEqual([1, 15, 1, 15]);
  });

  it('gaussian blur matches scipy.ndimage.gaussian_filter on an impulse and keeps constants', () => {
    const k = gaussianKernel(1);
    expect(k.length).toBe(9);
    // scipy.ndimage.gaussian_filter1d(impulse, 1) centre and first neighbour.
    expect(k[4]).toBeCloseTo(0.3989434, 5);
    expect(k[5]).toBeCloseTo(0.2419714, 5);
    const flat = gaussianBlur(new Float32Array(64).fill(2), 8, 8, 4);
    flat.forEach((v) => expect(v).toBeCloseTo(2, 5));
  });
});

/** N images of one tap [h, w, c] of noise around a shared normal pattern. */
function features(count: number, seed: number, h: number, w: number, c: number, pattern: Float32Array): FeatureSet {
  const eps = noise(count * h * w * c, seed);
  const data = new Float32Array(count * h * w * c);
  for (let i = 0; i < data.length; i++) data[i] = pattern[i % pattern.length] + 0.05 * eps[i];
  return { count, scales: [{ shape: [h, w, c], data }] };
}

describe('KnnBaseline', () => {
  const [h, w, c] = [8, 8, 4];
  const pattern = noise(h * w * c, 11);

  it('scores a training image 0 everywhere', async () => {
    const train = features(3, 1, h, w, c, pattern);
    const knn = await KnnBaseline.fit(train, { imageSize: [32, 32] });
    const one: FeatureSet = { count: 1, scales: [{ shape: [h, w, c], data: train.scales[0].data.slice(h * w * c, 2 * h * w * c) }] };
    const out = await knn.score(one);
    expect(out.imageScores[0]).toBe(0);
    expect(out.maps.every((v) => v === 0)).toBe(true);
    expect(knn.description).toMatchObject({ taps: [0], window: 3, grid: [8, 8], dim: 4, patches: 192, bank: 192, coreset: 'none' });
  });

  it('detects synthetic anomalies: image AUROC 1 and the map peaks inside the defect', async () => {
    const train = features(6, 2, h, w, c, pattern);
    const test = features(8, 3, h, w, c, pattern);
    const labels = [0, 0, 0, 0, 1, 1, 1, 1];
    const per = h * w * c;
    // Anomalies: a 2x2 block of cells pushed off the normal pattern, at a different place per image.
    for (let i = 4; i < 8; i++) {
      const y0 = i - 3;
      const x0 = 7 - i;
      for (let y = y0; y < y0 + 2; y++) for (let x = x0; x < x0 + 2; x++) for (let k = 0; k < c; k++) test.scales[0].data[i * per + (y * w + x) * c + k] += 1.5;
    }
    for (const coreset of [{ method: 'none' as const }, { method: 'greedy' as const, size: 100, seed: 1 }, { method: 'random' as const, size: 200, seed: 1 }]) {
      const knn = await KnnBaseline.fit(train, { imageSize: [32, 32], coreset, sigma: 1 });
      const out = await knn.score(test);
      expect(auroc(out.imageScores, labels)).toBe(1);
      for (let i = 4; i < 8; i++) {
        const map = out.maps.subarray(i * 1024, (i + 1) * 1024);
        const peak = map.indexOf(Math.max(...map));
        const [py, px] = [Math.floor(peak / 32 / 4), Math.floor((peak % 32) / 4)];
        // The defect covers cells y0..y0+1, x0..x0+1; the 3x3 averaging can move the peak by one cell.
        expect(Math.abs(py - (i - 2.5))).toBeLessThanOrEqual(1.5);
        expect(Math.abs(px - (7.5 - i))).toBeLessThanOrEqual(1.5);
      }
    }
  });

  it('concatenates a coarser tap upsampled to the finer grid', async () => {
    const fine = features(2, 4, 8, 8, 3, noise(8 * 8 * 3, 5));
    const coarse = features(2, 6, 4, 4, 5, noise(4 * 4 * 5, 7));
    const set: FeatureSet = { count: 2, scales: [...fine.scales, ...coarse.scales] };
    const knn = await KnnBaseline.fit(set, { imageSize: [16, 16], taps: [0, 1], imageScore: 'patches' });
    expect(knn.description).toMatchObject({ grid: [8, 8], dim: 8, patches: 128 });
    expect((await knn.score(set)).imageScores.every((v) => v === 0)).toBe(true);
    await expect(KnnBaseline.fit(set, { imageSize: [16, 16], taps: [2] })).rejects.toThrow(/tap 2 does not exist/);
  });
});
