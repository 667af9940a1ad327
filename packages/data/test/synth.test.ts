import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANOMALY_KINDS, generateSyntheticClass, mvtecDataset, SCENE_FAMILIES, writeSyntheticClass } from '../src/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

describe('synthetic anomaly generator', () => {
  it('is deterministic from the seed', () => {
    const a = generateSyntheticClass({ family: 'woven', size: 48, seed: 11, trainCount: 2, testGoodCount: 1, testAnomalyCount: 3 });
    const b = generateSyntheticClass({ family: 'woven', size: 48, seed: 11, trainCount: 2, testGoodCount: 1, testAnomalyCount: 3 });
    const c = generateSyntheticClass({ family: 'woven', size: 48, seed: 12, trainCount: 2, testGoodCount: 1, testAnomalyCount: 3 });
    expect([...a.train[1].image.data]).toEqual([...b.train[1].image.data]);
    expect([...a.test[0].mask]).toEqual([...b.test[0].mask]);
    expect([...a.train[1].image.data]).not.toEqual([...c.train[1].image.data]);
    // Images of a class differ from each other (per-image phase and noise).
    expect([...a.train[0].image.data]).not.toEqual([...a.train[1].image.data]);
  });

  it('every family and kind gives an exact mask: only masked pixels change', () => {
    for (const family of SCENE_FAMILIES) {
      const cls = generateSyntheticClass({ family, size: 64, seed: 4, trainCount: 0, testGoodCount: 1, testAnomalyCount: ANOMALY_KINDS.length * 2, includeClean: true });
      expect(cls.test.length).toBe(1 + ANOMALY_KINDS.length * 2);
      expect(new Set(cls.test.map((t) => t.type))).toEqual(new Set(['good', ...ANOMALY_KINDS]));
      for (const t of cls.test) {
        if (t.label === 0) {
          expect(t.mask.every((v) => v === 0)).toBe(true);
          continue;
        }
        const area = t.mask.reduce((s, v) => s + v, 0);
        expect(area, `${family}/${t.type}`).toBeGreaterThanOrEqual(4);
        expect(area, `${family}/${t.type}`).toBeLessThan(64 * 64 * 0.5);
        let changedInside = 0;
        let changedOutside = 0;
        for (let p = 0; p < 64 * 64; p++) {
          let diff = 0;
          for (let c = 0; c < 3; c++) diff = Math.max(diff, Math.abs(t.image.data[p * 3 + c] - t.clean!.data[p * 3 + c]));
          if (t.mask[p]) changedInside += diff > 0 ? 1 : 0;
          else changedOutside += diff > 0 ? 1 : 0;
        }
        expect(changedOutside, `${family}/${t.type}: pixels changed outside the mask`).toBe(0);
        expect(changedInside / area, `${family}/${t.type}`).toBeGreaterThan(0.8);
      }
    }
  });

  it('sizes from 64 to 512 and greyscale output', () => {
    const small = generateSyntheticClass({ family: 'tiles', size: 64, trainCount: 1, testGoodCount: 0, testAnomalyCount: 1 });
    expect(small.train[0].image.data.length).toBe(64 * 64 * 3);
    const big = generateSyntheticClass({ family: 'object', size: [512, 384], trainCount: 1, testGoodCount: 0, testAnomalyCount: 1, sizes: ['large'], kinds: ['hole'] });
    expect([big.height, big.width]).toEqual([512, 384]);
    expect(big.test[0].mask.length).toBe(512 * 384);
    expect(big.test[0].mask.reduce((s, v) => s + v, 0)).toBeGreaterThan(500);
    const g = generateSyntheticClass({ family: 'noise', size: 32, grayscale: true, trainCount: 1, testGoodCount: 0, testAnomalyCount: 0 });
    expect(g.train[0].image.channels).toBe(1);
  });

  it('rejects unknown kinds and families', () => {
    expect(() => generateSyntheticClass({ kinds: ['dent' as 'hole'] })).toThrow(/unknown anomaly kind 'dent'/);
    expect(() => generateSyntheticClass({ family: 'marble' as 'noise' })).toThrow(/unknown family 'marble'/);
    expect(() => generateSyntheticClass({ size: 8 })).toThrow(/at least 16 px/);
  });

  it('writes the demo class (40 train + 30 test at 128 px) in a few seconds, in MVTec layout', () => {
    const t0 = performance.now();
    const w = writeSyntheticClass(tmp.dir, { family: 'woven', size: 128, seed: 7, trainCount: 40, testGoodCount: 10, testAnomalyCount: 20 });
    const seconds = (performance.now() - t0) / 1000;
    expect(seconds).toBeLessThan(10);
    expect(w.counts['train/good']).toBe(40);
    expect(readdirSync(join(w.classDir, 'test')).sort()).toEqual(['blob', 'color', 'crack', 'good', 'hole', 'missing', 'scratch', 'stain']);
    expect(readdirSync(join(w.classDir, 'ground_truth', 'hole')).sort()).toEqual(['000_mask.png', '001_mask.png', '002_mask.png']);
    const test = mvtecDataset({ root: tmp.dir, className: w.className, split: 'test', size: 128 });
    expect(test.length).toBe(30);
    console.log(`demo class written in ${seconds.toFixed(2)} s`);
  });
});
