// Backbones on the tfjs backends: the same weights give the same pooled taps on tfjs cpu (pure JS)
// and tfjs wasm (XNNPACK), up to float32 summation-order differences.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { architecture, createBackbone, randomBackboneWeights, Rng, setBackend, tensor, type ArchId, type PadMode } from '@msflow/core';
import { createTfjsBackend, type TfjsBackend } from '../src/index.js';

// [architecture, padding, input size]: the 25 M-parameter WRN at 32 px keeps the pure-JS cpu run short.
const CASES: [ArchId, PadMode, number][] = [
  ['resnet18', 'zeros', 64],
  ['wide_resnet50_2', 'reflect', 32],
  ['keras_resnet50', 'zeros', 64],
  ['mobilenet_v2', 'zeros', 64],
  ['keras_mobilenet_v2', 'zeros', 64],
  ['mobilenet_v1', 'zeros', 64],
];
// float32 backends with different summation orders (XNNPACK vs pure JS): relative to the largest |feature|.
const TOLERANCE = 1e-4;

describe('same backbone weights, same features on every tfjs backend', () => {
  const backends: TfjsBackend[] = [];
  beforeAll(async () => {
    backends.push(await createTfjsBackend({ prefer: ['cpu'] }), await createTfjsBackend({ prefer: ['wasm'] }));
  });
  afterAll(() => backends.forEach((b) => b.dispose()));

  for (const [arch, padMode, SIZE] of CASES) {
    it(`${arch} (${padMode} padding) at ${SIZE} px: cpu vs wasm within ${TOLERANCE} relative`, async () => {
      const spec = architecture(arch, { padMode });
      const weights = randomBackboneWeights(spec, new Rng(11));
      const input = new Rng(12).normalArray(SIZE * SIZE * 3);
      const results: Float32Array[][] = [];
      for (const b of backends) {
        setBackend(b);
        const bb = createBackbone(spec, weights);
        const x = tensor(input, [1, SIZE, SIZE, 3]);
        const taps = bb.extract(x);
        expect(taps.map((t) => t.shape)).toEqual(bb.outputShapes(SIZE, SIZE).map((s) => [1, ...s]));
        results.push(await Promise.all(taps.map(async (t) => Float32Array.from(await t.data()))));
        taps.forEach((t) => t.dispose());
        x.dispose();
        bb.dispose();
        expect(b.liveTensors()).toBe(0);
      }
      const [cpu, wasm] = results;
      cpu.forEach((a, i) => {
        let diff = 0;
        let scale = 0;
        for (let j = 0; j < a.length; j++) {
          diff = Math.max(diff, Math.abs(a[j] - wasm[i][j]));
          scale = Math.max(scale, Math.abs(a[j]));
        }
        expect(scale).toBeGreaterThan(0);
        expect(diff / scale).toBeLessThan(TOLERANCE);
      });
    });
  }
});
