import { beforeAll, describe, expect, it } from 'vitest';
import { calibrateMaps, mapColorRange, normalizeScore, normalizeScores, Rng, scoreNormalization, tensor, thresholdAtFpr } from '@msflow/core';
import { useReferenceBackend } from '@msflow/core/testing';

beforeAll(() => useReferenceBackend());

describe('thresholds from normal scores only', () => {
  it('flags at most ⌊fpr·n⌋ normal scores, halfway between flagged and unflagged', () => {
    const s = [3, 1, 4, 10, 5, 9, 2, 6, 8, 7];
    expect(thresholdAtFpr(s, 0.2)).toEqual({ value: 8.5, targetFpr: 0.2, fpr: 0.2, images: 10 });
    expect(thresholdAtFpr(s, 0.25)).toEqual({ value: 8.5, targetFpr: 0.25, fpr: 0.2, images: 10 });
    expect(thresholdAtFpr(s, 0.1).value).toBe(9.5);
    // None may be flagged: above the highest score by half its gap to the next lower one.
    expect(thresholdAtFpr(s, 0.05)).toEqual({ value: 10.5, targetFpr: 0.05, fpr: 0, images: 10 });
    expect(thresholdAtFpr(s, 0).value).toBe(10.5);
    // Ties at the cut flag fewer, never more.
    expect(thresholdAtFpr([1, 2, 5, 5, 5], 0.4)).toEqual({ value: 6.5, targetFpr: 0.4, fpr: 0, images: 5 });
    expect(thresholdAtFpr([1, 2, 3, 5, 5], 0.4)).toEqual({ value: 4, targetFpr: 0.4, fpr: 0.4, images: 5 });
    // Floating-point products: 29 % of 100 is 29 images, though 0.29·100 is 28.999999999999996.
    const hundred = Array.from({ length: 100 }, (_, i) => i);
    expect(thresholdAtFpr(hundred, 0.07).fpr).toBe(0.07);
    expect(thresholdAtFpr(hundred, 0.29).fpr).toBe(0.29);
  });

  it('on unseen normals from the same distribution, the false-positive rate is near the target', () => {
    const rng = new Rng(3);
    const draw = (n: number) => Array.from(rng.normalArray(n));
    const t = thresholdAtFpr(draw(2000), 0.05);
    const unseen = draw(20000);
    const fpr = unseen.filter((v) => v >= t.value).length / unseen.length;
    expect(t.fpr).toBeLessThanOrEqual(0.05);
    expect(Math.abs(fpr - 0.05)).toBeLessThan(0.01);
  });

  it('refuses what it cannot estimate', () => {
    expect(() => thresholdAtFpr([1], 0.01)).toThrow(/at least 2 normal scores/);
    expect(() => thresholdAtFpr([1, 2], 1)).toThrow(/\[0, 1\)/);
    expect(() => thresholdAtFpr([1, 2], -0.1)).toThrow(/\[0, 1\)/);
    expect(() => thresholdAtFpr([1, NaN, 3], 0.1)).toThrow(/NaN/);
  });
});

describe('normalised scores', () => {
  it('put the threshold at 0.5, stay in (0, 1), keep the order and match anomalib near the threshold', () => {
    const normal = [1.2, 1.5, 1.3, 1.9, 1.4];
    const t = thresholdAtFpr(normal, 0.2).value;
    const n = scoreNormalization(normal, t);
    expect(n).toEqual({ threshold: t, min: 1.2, max: 1.9 });
    expect(normalizeScore(t, n)).toBe(0.5);
    // Same decision as the raw threshold, on every score.
    for (const s of [...normal, t - 1e-9, t + 1e-9, 0, 50]) expect(normalizeScore(s, n) >= 0.5).toBe(s >= t);
    // Strictly increasing, and anomalies far past the normal range keep their order.
    const raw = [-100, 0, 1, 1.5, t, 2, 5, 40, 80, 160, 1e6];
    const norm = raw.map((s) => normalizeScore(s, n));
    for (let i = 1; i < norm.length; i++) expect(norm[i]).toBeGreaterThan(norm[i - 1]);
    for (const v of norm) expect(v > 0 && v < 1).toBe(true);
    // anomalib: (s − t) / (max − min) + 0.5; same value and slope at the threshold.
    const anomalib = (s: number) => (s - t) / (n.max - n.min) + 0.5;
    const h = 1e-6;
    expect((normalizeScore(t + h, n) - normalizeScore(t - h, n)) / (2 * h)).toBeCloseTo((anomalib(t + h) - anomalib(t - h)) / (2 * h), 4);
    // The tensor form (traced and exported programs) computes the same (float32 here).
    const viaTensor = normalizeScores(tensor(raw, [raw.length]), n).dataSync();
    raw.forEach((s, i) => expect(viaTensor[i]).toBeCloseTo(normalizeScore(s, n), 6));
  });
});

describe('map calibration', () => {
  it('fixes the pixel threshold on each normal image’s highest pixel and one colour scale with the threshold mid-scale', () => {
    const pixels = 4;
    // Five normal maps; their highest pixels are 2, 3, 4, 5, 6.
    const maps = Float32Array.from([0, 1, 1, 2, 1, 0, 3, 1, 4, 0, 1, 1, 1, 5, 0, 1, 0, 1, 6, 1]);
    const cal = calibrateMaps(maps, pixels, 0.2);
    expect(cal).toEqual({ threshold: 5.5, low: 1, targetFpr: 0.2, fpr: 0.2, images: 5 });
    expect(mapColorRange(cal)).toEqual({ vmin: 1, vmax: 10 });
    expect(() => calibrateMaps(maps.subarray(0, 6), pixels, 0.2)).toThrow(/whole maps/);
  });
});
