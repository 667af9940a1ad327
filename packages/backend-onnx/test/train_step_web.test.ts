// The traced train step's ONNX graph is runtime-neutral: onnxruntime-web (wasm, as in a browser)
// runs the very model onnxruntime-node trains with and returns the same loss, gradient norm,
// parameters and Adam moments.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import ortNode from 'onnxruntime-node';
import { MSFlowModel, Rng, setBackend } from '@msflow/core';
import { createReferenceBackend, randomFeatureSet, relativeError, tinyMSFlowConfig } from '@msflow/core/testing';
import { TracedTrainStep } from '../src/index.js';

type Ort = typeof ortNode;
const web = (await import(createRequire(import.meta.url).resolve('onnxruntime-web'))) as unknown as Ort;

describe('traced train step on onnxruntime-web', () => {
  it('runs the model onnxruntime-node trains with, same outputs within 1e-5 relative', async () => {
    setBackend(createReferenceBackend());
    const config = tinyMSFlowConfig();
    const features = randomFeatureSet(config, 2, 4);
    const model = MSFlowModel.create(config);
    const step = new TracedTrainStep(model, undefined, { session: { intraOpNumThreads: 1 } });
    await step.run({ count: 2, shapes: features.scales.map((s) => s.shape), read: (l) => features.scales[l].data }, [0, 1], 1e-4);
    const built = (await step.onnxModel())!;
    expect(built.bytes.length).toBeGreaterThan(0);

    // Inputs away from the first step's zero moments: parameters, m and v (v > 0) at random.
    const sizes = new Map(built.graph.inputs.map((i) => [i.name, i.dims.map((d) => (typeof d === 'number' && d > 0 ? d : 2))]));
    const feed = (ort: Ort) =>
      Object.fromEntries(
        built.inputNames.map((name, k) => {
          const dims = sizes.get(name)!;
          const n = dims.reduce((p, q) => p * q, 1);
          const rnd = new Rng(100 + k);
          const data = name.startsWith('y') ? features.scales[Number(name.slice(1)) - 1].data.slice() : name === 'step_size' ? Float32Array.of(1e-3) : name === 'bc2_sqrt' ? Float32Array.of(0.3) : Float32Array.from(rnd.normalArray(n), (x) => (name.startsWith('adam_v') ? 1e-4 * x * x + 1e-6 : name.startsWith('adam_m') ? 1e-3 * x : 0.05 * x));
          return [name, new ort.Tensor('float32', data, dims)];
        }),
      );
    const nodeSession = await ortNode.InferenceSession.create(built.bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    web.env.wasm.numThreads = 1;
    const webSession = await web.InferenceSession.create(built.bytes, { executionProviders: ['wasm'] });
    const want = await nodeSession.run(feed(ortNode));
    const got = await webSession.run(feed(web));
    expect(Object.keys(got).sort()).toEqual([...built.outputNames].sort());
    expect(Number.isFinite((want.loss.data as Float32Array)[0])).toBe(true);
    for (const name of built.outputNames) {
      const a = got[name].data as Float32Array;
      const b = want[name].data as Float32Array;
      expect(a.length, name).toBe(b.length);
      expect(relativeError(a, b), name).toBeLessThan(1e-5);
    }
    // The update must be real, or matching outputs would say little.
    const p0 = feed(ortNode).param0.data as Float32Array;
    expect(relativeError(want.new_param0.data as Float32Array, p0)).toBeGreaterThan(1e-6);
    await Promise.all([nodeSession.release(), webSession.release(), step.dispose()]);
    model.dispose();
  });
});
