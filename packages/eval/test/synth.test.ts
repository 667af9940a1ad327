import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ANOMALY_KINDS, auroc, generateSyntheticClass, mvtecDataset, pixelAuroc, SCENE_FAMILIES, writeSyntheticClass } from '../src/index.js';
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

  it('anomalies are found by a simple per-pixel Gaussian detector', () => {
    const S = 96;
    const blur = (img: ArrayLike<number>): Float32Array => {
      const out = new Float32Array(S * S * 3);
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          for (let c = 0; c < 3; c++) {
            let s = 0;
            let n = 0;
            for (let dy = -1; dy <= 1; dy++) {
              for (let dx = -1; dx <= 1; dx++) {
                const yy = y + dy;
                const xx = x + dx;
                if (yy < 0 || xx < 0 || yy >= S || xx >= S) continue;
                s += img[(yy * S + xx) * 3 + c];
                n++;
              }
            }
            out[(y * S + x) * 3 + c] = s / n / 255;
          }
        }
      }
      return out;
    };
    for (const family of SCENE_FAMILIES) {
      const cls = generateSyntheticClass({ family, size: S, seed: 5, trainCount: 20, testGoodCount: 7, testAnomalyCount: 14 });
      const train = cls.train.map((s) => blur(s.image.data));
      const n = S * S * 3;
      const mu = new Float32Array(n);
      const sd = new Float32Array(n);
      for (const t of train) for (let i = 0; i < n; i++) mu[i] += t[i] / train.length;
      for (const t of train) for (let i = 0; i < n; i++) sd[i] += (t[i] - mu[i]) ** 2 / train.length;
      for (let i = 0; i < n; i++) sd[i] = Math.sqrt(sd[i]) + 0.02;
      const maps = cls.test.map((s) => {
        const b = blur(s.image.data);
        const m = new Float32Array(S * S);
        for (let p = 0; p < S * S; p++) for (let c = 0; c < 3; c++) m[p] = Math.max(m[p], Math.abs(b[p * 3 + c] - mu[p * 3 + c]) / sd[p * 3 + c]);
        return m;
      });
      const scores = maps.map((m) => m.reduce((a, b) => Math.max(a, b), 0));
      const img = auroc(scores, cls.test.map((s) => s.label));
      const pix = pixelAuroc(maps, cls.test.map((s) => s.mask));
      expect(img, `${family} image AUROC`).toBeGreaterThan(0.85);
      expect(pix, `${family} pixel AUROC`).toBeGreaterThan(0.85);
    }
  });
});
