import { describe, expect, it } from 'vitest';
import { evaluateAnomalyDetection, metricsByType, pixelAuroc } from '../src/index.js';

// Five 2x2 images: two normal, two of type `big` (half the pixels anomalous, found), one of
// type `small` (one pixel anomalous, missed: its map is highest elsewhere).
const labels = [0, 0, 1, 1, 1];
const types = ['good', 'good', 'big', 'big', 'small'];
const imageScores = [0.1, 0.2, 0.9, 0.8, 0.15];
const masks = Uint8Array.from([0, 0, 0, 0, /**/ 0, 0, 0, 0, /**/ 1, 1, 0, 0, /**/ 0, 1, 1, 0, /**/ 0, 0, 0, 1]);
const maps = Float32Array.from([0.1, 0.2, 0.1, 0.3, /**/ 0.2, 0.1, 0.3, 0.2, /**/ 0.9, 0.8, 0.2, 0.1, /**/ 0.1, 0.7, 0.9, 0.2, /**/ 0.6, 0.2, 0.1, 0.05]);

describe('metricsByType', () => {
  it('scores each defect type against the normal images only', () => {
    const rows = metricsByType({ imageScores, labels, types, pixelMaps: maps, masks });
    expect(rows.map((r) => r.type)).toEqual(['big', 'small']);
    const [big, small] = rows;
    expect(big.images).toBe(2);
    expect(big.imageAuroc).toBe(1);
    // 0.15 sits between the two normal scores.
    expect(small.imageAuroc).toBe(0.5);
    expect(big.anomalousPixels).toBe(4);
    expect(small.anomalousPixels).toBe(1);
    expect(big.pixelShare! + small.pixelShare!).toBeCloseTo(1, 12);
    expect(big.pixelShare).toBeCloseTo(0.8, 12);
    // big: the subset is images 0, 1, 2, 3 — all four anomalous pixels above every normal one.
    expect(big.pixelAuroc).toBe(1);
    const subset = (idx: number[]) => idx.map((i) => maps.subarray(i * 4, i * 4 + 4));
    const subMasks = (idx: number[]) => idx.map((i) => masks.subarray(i * 4, i * 4 + 4));
    expect(small.pixelAuroc).toBe(pixelAuroc(subset([0, 1, 4]), subMasks([0, 1, 4])));
    expect(small.pixelAuroc).toBeLessThan(0.2);
    // The pooled pixel AUROC mixes both: below big's, above small's.
    const pooled = pixelAuroc(maps, masks);
    expect(pooled).toBeLessThan(1);
    expect(pooled).toBeGreaterThan(small.pixelAuroc!);
  });

  it('gives image AUROC only when there are no maps', () => {
    const rows = metricsByType({ imageScores, labels, types });
    expect(rows[0]).toEqual({ type: 'big', images: 2, imageAuroc: 1 });
  });

  it('leaves the AUROC out when there are no normal images to compare with', () => {
    const rows = metricsByType({ imageScores: [0.3, 0.4], labels: [1, 1], types: ['a', 'b'] });
    expect(rows).toEqual([
      { type: 'a', images: 1 },
      { type: 'b', images: 1 },
    ]);
  });

  it('rejects a types list of the wrong length', () => {
    expect(() => metricsByType({ imageScores, labels, types: types.slice(1) })).toThrow(/5 labels, 4 types/);
  });

  it('rejects maps that do not split evenly into images', () => {
    expect(() => metricsByType({ imageScores, labels, types, pixelMaps: maps.subarray(1), masks: masks.subarray(1) })).toThrow(/19 map values/);
  });

  it('is part of evaluateAnomalyDetection when types are given', () => {
    const ev = evaluateAnomalyDetection({ imageScores, labels, pixelMaps: maps, masks, shape: { height: 2, width: 2 }, types, msflowPro: false });
    expect(ev.byType?.map((r) => [r.type, r.pixelAuroc])).toEqual(metricsByType({ imageScores, labels, types, pixelMaps: maps, masks }).map((r) => [r.type, r.pixelAuroc]));
    expect(evaluateAnomalyDetection({ imageScores, labels }).byType).toBeUndefined();
  });
});
