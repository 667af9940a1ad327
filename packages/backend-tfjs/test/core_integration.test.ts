// End to end through @msflow/core: ops, scopes and autodiff on the tfjs backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avgPool, conv2d, engine, layerNorm, mul, relu, setBackend, sum, tensor, tidy, valueAndGrads, type Tensor } from '@msflow/core';
import { createTfjsBackend, type TfjsBackend } from '../src/index.js';
import { randn } from './reference.js';

for (const flavor of ['cpu', 'wasm'] as const) {
  describe(`core on tfjs ${flavor}`, () => {
    let backend: TfjsBackend;
    beforeAll(async () => {
      backend = await createTfjsBackend({ prefer: [flavor] });
      setBackend(backend);
    });
    afterAll(() => backend.dispose());

    it('trains a tiny conv net: gradients match central differences, nothing leaks', () => {
      setBackend(backend);
      const x = tensor(Float32Array.from(randn(2 * 6 * 5 * 3, 1)), [2, 6, 5, 3]);
      const w = tensor(Float32Array.from(randn(3 * 3 * 3 * 4, 2).map((v) => v * 0.3)), [3, 3, 3, 4]);
      const b = tensor(Float32Array.from(randn(4, 3)), [4]);
      const gamma = tensor([1, 0.5, -1, 2], [4]);
      const beta = tensor([0, 0.1, 0.2, 0.3], [4]);
      const coef = tensor(Float32Array.from(randn(2 * 3 * 3 * 4, 4)), [2, 3, 3, 4]);
      const loss = (wt: Tensor) =>
        sum(mul(layerNorm(avgPool(relu(conv2d(x, wt, { bias: b, padding: 1, stride: [1, 1] })), 3, { stride: 2, padding: 1, countIncludePad: false }), gamma, beta), coef));
      const tensorsBefore = engine.numTensors();
      const tfBefore = backend.runtime.tf.memory().numTensors;
      const { value, grads } = valueAndGrads(() => loss(w), [w]);
      const g = grads[0].dataSync();
      const wv = Float64Array.from(w.dataSync());
      const f = (vals: Float64Array) => tidy(() => loss(tensor(Float32Array.from(vals), w.shape)).dataSync()[0]);
      const h = 1e-2;
      for (const i of [0, 17, 53, 107]) {
        const p = Float64Array.from(wv);
        const m = Float64Array.from(wv);
        p[i] += h;
        m[i] -= h;
        const fd = (f(p) - f(m)) / (2 * h);
        expect(Math.abs(fd - g[i])).toBeLessThan(2e-2 * (1 + Math.abs(fd)));
      }
      value.dispose();
      grads[0].dispose();
      expect(engine.numTensors()).toBe(tensorsBefore);
      expect(backend.runtime.tf.memory().numTensors).toBe(tfBefore);
    });
  });
}
