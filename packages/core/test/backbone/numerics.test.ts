// Backbone numerics on the float64 reference backend (`@msflow/core/testing`) against hand-written
// float64 forward passes (naive.ts) that apply BatchNorm explicitly: checks the graph wiring, the
// BatchNorm folding, reflect padding and the count_include_pad tap pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  architecture, createBackbone, engine, foldConv, getBackend, normalizeInput, preprocessPixels, Rng, setBackend, tensor, CAFFE_PREPROCESS,
  type ArchId, type Backend, type RawConv,
} from '@msflow/core';
import { mobilenetV2, resnet18, type Img } from './naive.js';
import { randomRawConvs } from './onnx_fixture.js';

type TestingModule = { createReferenceBackend: () => Backend | Promise<Backend> };
// Loaded by name at run time, so this file also type-checks before the module exists.
const TESTING = '@msflow/core/testing';
const loaded = (await import(/* @vite-ignore */ TESTING).catch(() => null)) as Partial<TestingModule> | null;
const testing = typeof loaded?.createReferenceBackend === 'function' ? (loaded as TestingModule) : null;
if (!testing) console.warn(`backbone numerics skipped: ${TESTING} does not provide createReferenceBackend() yet`);

function folded(id: ArchId, raw: Map<string, RawConv>, padMode: 'zeros' | 'reflect' = 'zeros') {
  const spec = architecture(id, { padMode });
  return { spec, weights: new Map(spec.convs.map((c) => [c.key, foldConv(c, raw.get(c.key)!)])) };
}

function maxRel(got: ArrayLike<number>, want: Float64Array): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < want.length; i++) {
    d = Math.max(d, Math.abs(got[i] - want[i]));
    s = Math.max(s, Math.abs(want[i]));
  }
  return d / s;
}

describe.skipIf(!testing)('backbone numerics on the float64 reference backend', () => {
  let previous: Backend | undefined;
  beforeAll(async () => {
    previous = engine.hasBackend() ? getBackend() : undefined;
    setBackend(await testing!.createReferenceBackend());
  });
  afterAll(() => {
    if (previous) setBackend(previous);
  });

  const S = 32;
  const input = new Rng(2).normalArray(S * S * 3);
  const img: Img = { h: S, w: S, c: 3, d: Float64Array.from(input) };

  for (const reflect of [false, true]) {
    it(`resnet18 (${reflect ? 'reflect' : 'zero'} padding) matches a hand-written float64 forward`, async () => {
      const spec0 = architecture('resnet18');
      const raw = randomRawConvs(spec0, new Rng(4));
      const want = resnet18(img, raw, reflect);
      const { spec, weights } = folded('resnet18', raw, reflect ? 'reflect' : 'zeros');
      const bb = createBackbone(spec, weights);
      const taps = bb.extract(tensor(input, [1, S, S, 3]));
      for (let i = 0; i < 3; i++) {
        expect(taps[i].shape).toEqual([1, want[i].h, want[i].w, want[i].c]);
        // Only the float32 storage of the folded weights separates the two.
        expect(maxRel(await taps[i].data(), want[i].d)).toBeLessThan(1e-5);
      }
      bb.dispose();
    });
  }

  it('mobilenet_v2 (depthwise, relu6, inverted residuals) matches a hand-written float64 forward', async () => {
    const spec0 = architecture('mobilenet_v2');
    const raw = randomRawConvs(spec0, new Rng(6));
    const want = mobilenetV2(img, raw);
    const { spec, weights } = folded('mobilenet_v2', raw);
    const bb = createBackbone(spec, weights);
    const taps = bb.extract(tensor(input, [1, S, S, 3]));
    for (let i = 0; i < 3; i++) expect(maxRel(await taps[i].data(), want[i].d)).toBeLessThan(1e-5);
    bb.dispose();
  });

  it('normalizeInput equals preprocessPixels (Caffe BGR mean subtraction)', async () => {
    const rgb = new Rng(8).uniformArray(4 * 4 * 3, 0, 1);
    const got = await normalizeInput(tensor(rgb, [1, 4, 4, 3]), CAFFE_PREPROCESS).data();
    const want = preprocessPixels(rgb, CAFFE_PREPROCESS);
    expect(want[0]).toBeCloseTo(rgb[2] * 255 - 103.939, 4);
    expect(maxRel(got, Float64Array.from(want))).toBeLessThan(1e-6);
  });
});
