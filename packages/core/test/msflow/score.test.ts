import { beforeAll, describe, expect, it } from 'vitest';
import {
  additiveMap,
  dispose,
  evaluate,
  gaussianFilter,
  gaussianKernel,
  imageScore,
  logpMap,
  MSFlowModel,
  multiplicativeMap,
  nllMap,
  predict,
  reshape,
  scoreLatents,
  scoreWith,
  Rng,
  tensor,
  tidy,
  topKCount,
  Trainer,
  type FeatureSet,
} from '@msflow/core';
import { useReferenceBackend } from '@msflow/core/testing';
import { featureTensors, randomFeatureSet, tinyConfig } from './helpers.js';

beforeAll(() => useReferenceBackend());

/** Bilinear align-corners up-sampling of one h×w map to H×W, in plain JS. */
function upsample(map: number[], h: number, w: number, H: number, W: number): number[] {
  const out: number[] = [];
  const coord = (o: number, n: number, N: number) => (N > 1 ? (o * (n - 1)) / (N - 1) : 0);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const sy = coord(y, h, H);
      const sx = coord(x, w, W);
      const y0 = Math.floor(sy);
      const x0 = Math.floor(sx);
      const y1 = Math.min(y0 + 1, h - 1);
      const x1 = Math.min(x0 + 1, w - 1);
      const fy = sy - y0;
      const fx = sx - x0;
      const v = (yy: number, xx: number) => map[yy * w + xx];
      out.push((1 - fy) * ((1 - fx) * v(y0, x0) + fx * v(y0, x1)) + fy * ((1 - fx) * v(y1, x0) + fx * v(y1, x1)));
    }
  }
  return out;
}

describe('scoring (spec §6)', () => {
  it('uses k = ⌊H·W·3 %⌋: 7864 at 512², 1966 at 256²', () => {
    expect(topKCount(512, 512, 0.03)).toBe(7864);
    expect(topKCount(256, 256, 0.03)).toBe(1966);
    expect(topKCount(4, 4, 0.03)).toBe(1);
  });

  it('builds logp, multiplicative and additive maps and the image score as the spec defines them', () => {
    const rng = new Rng(1);
    const shapes = [
      [2, 3, 3, 4],
      [2, 2, 2, 6],
    ];
    const zs = shapes.map((s) => Array.from(rng.normalArray(s.reduce((p, q) => p * q, 1))));
    const H = 5;
    const W = 5;
    const got = tidy(() => {
      const z = zs.map((d, l) => tensor(d, shapes[l]));
      const logp = z.map(logpMap);
      const mul = multiplicativeMap(logp, [H, W]);
      return {
        logp: logp.map((t) => Array.from(t.dataSync())),
        mul: Array.from(mul.dataSync()),
        add: Array.from(additiveMap(logp, [H, W]).dataSync()),
        score: Array.from(imageScore(mul, 0.1).dataSync()),
        nll: Array.from(nllMap(logp, [H, W]).dataSync()),
        nllScore: Array.from(imageScore(nllMap(logp, [H, W]), 0.1).dataSync()),
      };
    });
    for (let n = 0; n < 2; n++) {
      const logp = shapes.map(([, h, w, c], l) =>
        Array.from({ length: h * w }, (_, p) => {
          let s = 0;
          for (let k = 0; k < c; k++) s += zs[l][(n * h * w + p) * c + k] ** 2;
          return (-0.5 * s) / c;
        }),
      );
      logp.forEach((m, l) => m.forEach((v, p) => expect(got.logp[l][n * m.length + p]).toBeCloseTo(v, 10)));
      const ups = logp.map((m, l) => upsample(m, shapes[l][1], shapes[l][2], H, W));
      const M = ups[0].map((v, i) => v + ups[1][i]);
      const maxM = Math.max(...M);
      const P = M.map((v) => Math.exp(v - maxM));
      const mul = P.map((p) => Math.max(...P) - p);
      mul.forEach((v, i) => expect(got.mul[n * H * W + i]).toBeCloseTo(v, 10));
      const S = logp.map((m, l) => upsample(m.map((v) => Math.exp(v - Math.max(...m))), shapes[l][1], shapes[l][2], H, W));
      const sum = S[0].map((v, i) => v + S[1][i]);
      const add = sum.map((v) => Math.max(...sum) - v);
      add.forEach((v, i) => expect(got.add[n * H * W + i]).toBeCloseTo(v, 10));
      const k = Math.floor(H * W * 0.1);
      const top = [...mul].sort((a, b) => b - a).slice(0, k);
      expect(got.score[n]).toBeCloseTo(top.reduce((a, b) => a + b, 0) / k, 10);
      // The user-facing map is −M itself: no exp, no per-image maximum.
      M.forEach((v, i) => expect(got.nll[n * H * W + i]).toBeCloseTo(-v, 10));
      const topNll = M.map((v) => -v).sort((a, b) => b - a).slice(0, k);
      expect(got.nllScore[n]).toBeCloseTo(topNll.reduce((a, b) => a + b, 0) / k, 10);
    }
  });

  it('the user-facing score is monotone in the log-likelihood and does not saturate where the paper score does', () => {
    const rng = new Rng(7);
    const shapes = [
      [1, 4, 4, 3],
      [1, 2, 2, 5],
    ];
    const base = shapes.map((s) => Array.from(rng.normalArray(s.reduce((p, q) => p * q, 1))));
    const size: [number, number] = [8, 8];
    const scores = (zs: number[][]) =>
      tidy(() => {
        const m = scoreLatents(
          zs.map((d, l) => tensor(d, shapes[l])),
          size,
          0.1,
        );
        return { nll: m.nllScores.dataSync()[0], paper: m.imageScores.dataSync()[0], logp: m.logp.map((t) => Array.from(t.dataSync())) };
      });
    // Lowering the log-likelihood anywhere (|z| grows at random latents, one at a time) never
    // lowers the score, and raises it whenever the pixel is among the top k.
    let zs = base.map((d) => d.slice());
    let prev = scores(zs);
    let strict = 0;
    for (let step = 0; step < 40; step++) {
      const l = rng.uniform() < 0.5 ? 0 : 1;
      const i = Math.floor(rng.uniform() * zs[l].length);
      zs = zs.map((d) => d.slice());
      zs[l][i] = zs[l][i] * 1.5 + Math.sign(zs[l][i] || 1) * 0.5;
      const next = scores(zs);
      expect(next.logp.flat().reduce((a, b) => a + b, 0)).toBeLessThan(prev.logp.flat().reduce((a, b) => a + b, 0));
      expect(next.nll).toBeGreaterThanOrEqual(prev.nll);
      if (next.nll > prev.nll) strict++;
      prev = next;
    }
    expect(strict).toBeGreaterThan(15); // the other steps changed pixels outside the top k
    // Two strong anomalies, one twice as strong: the paper's score is exactly 1 for both (exp
    // underflows next to 1), the user-facing score keeps them apart.
    const anomaly = (gain: number) => base.map((d, l) => d.map((v, i) => (l === 0 && i < 12 ? v + gain : v)));
    const a = scores(anomaly(40));
    const b = scores(anomaly(80));
    expect(a.paper).toBe(b.paper);
    expect(b.nll).toBeGreaterThan(a.nll * 2);
  });

  it('predicts maps at the input size and frees everything else', () => {
    const config = tinyConfig();
    const model = MSFlowModel.create(config);
    const x = featureTensors(randomFeatureSet(config, 2, 3));
    const maps = predict(model, x);
    expect(maps.add.shape).toEqual([2, 16, 16]);
    expect(maps.mul.shape).toEqual([2, 16, 16]);
    expect(maps.imageScores.shape).toEqual([2]);
    expect(maps.logp.map((t) => t.shape)).toEqual([
      [2, 4, 4],
      [2, 2, 2],
      [2, 2, 2],
    ]);
    const mul = maps.mul.dataSync();
    expect(Math.min(...mul)).toBeCloseTo(0, 12); // the most likely pixel of each image
    dispose([x, maps]);
    model.dispose();
  });

  it('mapScales builds the maps from the chosen scales only, and predict follows the config', () => {
    const config = tinyConfig();
    const model = MSFlowModel.create(config);
    const x = featureTensors(randomFeatureSet(config, 2, 5));
    const size = config.inputSize;
    const all = predict(model, x);
    // Same seed, same parameters: mapScales only changes what is read at test time.
    const fineModel = MSFlowModel.create({ ...config, mapScales: [0, 1] });
    const fine = predict(fineModel, x);
    const want = tidy(() => {
      const logp = model.forward(x).z.map(logpMap).slice(0, 2);
      const mul = multiplicativeMap(logp, size);
      return { add: Array.from(additiveMap(logp, size).dataSync()), mul: Array.from(mul.dataSync()), score: Array.from(imageScore(mul, config.topK).dataSync()) };
    });
    expect(Array.from(fine.add.dataSync())).toEqual(want.add);
    expect(Array.from(fine.mul.dataSync())).toEqual(want.mul);
    expect(Array.from(fine.imageScores.dataSync())).toEqual(want.score);
    // Every scale's logp is still reported, and leaving out the coarsest scale changes the maps.
    expect(fine.logp.map((t) => t.shape)).toEqual(all.logp.map((t) => t.shape));
    expect(Array.from(fine.add.dataSync())).not.toEqual(Array.from(all.add.dataSync()));
    expect(() => MSFlowModel.create({ ...config, mapScales: [0, 3] })).toThrow(/mapScales must be distinct scale indices in \[0, 2\]/);
    expect(() => MSFlowModel.create({ ...config, mapScales: [] })).toThrow(/mapScales/);
    expect(() => MSFlowModel.create({ ...config, mapScales: [1, 1] })).toThrow(/mapScales/);
    dispose([x, all, fine]);
    model.dispose();
    fineModel.dispose();
  });

  it('gaussianFilter equals a direct 2-D Gaussian with SciPy reflect borders, per channel', () => {
    const [n, h, w, c] = [2, 5, 7, 2];
    const rng = new Rng(3);
    const data = Array.from({ length: n * h * w * c }, () => rng.normal());
    const sigma = 1.3;
    const k = gaussianKernel(sigma);
    const r = (k.length - 1) / 2;
    // SciPy's reflect (d c b a | a b c d | d c b a), written out independently of core.
    const refl = (i: number, len: number) => {
      let j = i;
      while (j < 0 || j >= len) j = j < 0 ? -j - 1 : 2 * len - j - 1;
      return j;
    };
    const want: number[] = [];
    for (let b = 0; b < n; b++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          for (let ch = 0; ch < c; ch++) {
            let s = 0;
            for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) s += k[dy + r] * k[dx + r] * data[((b * h + refl(y + dy, h)) * w + refl(x + dx, w)) * c + ch];
            want.push(s);
          }
    const got = tidy(() => Array.from(gaussianFilter(tensor(data, [n, h, w, c]), sigma).dataSync()));
    expect(Math.max(...got.map((v, i) => Math.abs(v - want[i])))).toBeLessThan(1e-5);
    // A radius larger than the map still reflects (several periods), and a constant map stays constant.
    const flat = tidy(() => Array.from(gaussianFilter(tensor(new Array(12).fill(0.25), [1, 3, 4, 1]), 2).dataSync()));
    expect(Math.max(...flat.map((v) => Math.abs(v - 0.25)))).toBeLessThan(1e-6);
    const x = tensor(data, [n, h, w, c]);
    expect(gaussianFilter(x, 0)).toBe(x);
    dispose(x);
  });

  it('mapSigma smooths all three maps before the image scores are taken, and scoreWith follows the config', () => {
    const config = tinyConfig();
    const model = MSFlowModel.create(config);
    const smoothModel = MSFlowModel.create({ ...config, mapSigma: 1.5 });
    const x = featureTensors(randomFeatureSet(config, 2, 6));
    const plain = predict(model, x);
    const smooth = predict(smoothModel, x);
    const size = config.inputSize;
    const blurred = (t: typeof plain.add) => tidy(() => gaussianFilter(reshape(t, [...t.shape, 1]), 1.5));
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
    for (const key of ['add', 'mul', 'nll'] as const) {
      const want = blurred(plain[key]);
      expect(close(smooth[key].dataSync(), want.dataSync()), key).toBeLessThan(1e-5);
      expect(close(smooth[key].dataSync(), plain[key].dataSync()), key).toBeGreaterThan(1e-4);
      dispose(want);
    }
    const want = tidy(() => ({
      paper: Array.from(imageScore(blurred(plain.mul), config.topK).dataSync()),
      nll: Array.from(imageScore(blurred(plain.nll), config.topK).dataSync()),
    }));
    expect(close(smooth.imageScores.dataSync(), want.paper)).toBeLessThan(1e-5);
    expect(close(smooth.nllScores.dataSync(), want.nll)).toBeLessThan(1e-4 * Math.max(...want.nll.map(Math.abs)));
    // scoreWith reads the same fields as predict.
    const direct = tidy(() => Array.from(scoreWith(smoothModel.forward(x).z, smoothModel.config).add.dataSync()));
    expect(direct).toEqual(Array.from(smooth.add.dataSync()));
    expect(tidy(() => Array.from(scoreLatents(model.forward(x).z, size, config.topK, undefined, 0).add.dataSync()))).toEqual(Array.from(plain.add.dataSync()));
    for (const bad of [-1, Number.NaN, 65]) expect(() => MSFlowModel.create({ ...config, mapSigma: bad })).toThrow(/mapSigma must be a number of pixels in \[0, 64\]/);
    dispose([x, plain, smooth]);
    model.dispose();
    smoothModel.dispose();
  });

  it('end to end: after a short training run an obvious anomaly scores higher and is localised', async () => {
    const config = tinyConfig({ train: { metaEpochs: 1, subEpochs: 2 } });
    const normal = (count: number, seed: number) => randomFeatureSet(config, count, seed, undefined, 0.3);
    const model = MSFlowModel.create(config);
    const trainer = new Trainer(model);
    await trainer.run(normal(6, 40));
    const test: FeatureSet = normal(6, 41);
    // Images 3-5: a strong bump in the top-left 2x2 of the finest scale (input pixels 0-7 × 0-7).
    const [h, w, c] = test.scales[0].shape;
    for (let n = 3; n < 6; n++) {
      for (const [y, x] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        for (let k = 0; k < c; k++) test.scales[0].data[((n * h + y) * w + x) * c + k] += 3;
      }
    }
    const out = await evaluate(model, test, {
      batchSize: 4,
      metrics: (o) => ({ minGap: Math.min(...o.imageScores.slice(3)) - Math.max(...o.imageScores.slice(0, 3)) }),
    });
    expect(out.count).toBe(6);
    expect(out.shape).toEqual({ height: 16, width: 16 });
    expect(out.metrics!.minGap).toBeGreaterThan(0.1);
    for (let n = 3; n < 6; n++) {
      const map = out.addMaps!.subarray(n * 256, (n + 1) * 256);
      const peak = map.indexOf(Math.max(...map));
      expect(Math.floor(peak / 16)).toBeLessThan(8);
      expect(peak % 16).toBeLessThan(8);
    }
    trainer.dispose();
    model.dispose();
  });
});
