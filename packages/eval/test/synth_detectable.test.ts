import { describe, expect, it } from 'vitest';
import { generateSyntheticClass, SCENE_FAMILIES } from '@msflow/data';
import { auroc, pixelAuroc } from '../src/index.js';

// The synthetic classes (@msflow/data) are only useful if their anomalies can be found: checked
// here, where the metrics live.
describe('synthetic anomaly generator', () => {
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
