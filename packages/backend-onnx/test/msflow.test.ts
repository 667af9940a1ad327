// The whole MSFlow test-time program (backbone + flows + scoring) traced into one graph: the
// compiled program and the exported file agree with the float64 reference backend and with the
// tfjs backend (pure-JS cpu) on the same weights, within 1e-4 relative.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MSFlowModel,
  normalizeScore,
  Rng,
  architecture,
  createBackbone,
  preprocessPixels,
  presetConfig,
  randomBackboneWeights,
  setBackend,
  tensor,
  tidy,
  type Backend,
  type Backbone,
  type MSFlowConfig,
} from '@msflow/core';
import { createReferenceBackend } from '@msflow/core/testing';
import { createTfjsBackend } from '@msflow/backend-tfjs';
import { compileOnnx, createOnnxEagerBackend, exportMSFlowOnnx, featureExtractorFn, msflowInferenceFn, type OnnxBackend } from '../src/index.js';

const SIZE = 64;
const spec = architecture('resnet18');
const weights = randomBackboneWeights(spec, new Rng(3));

function setup(backend: Backend): { backbone: Backbone; model: MSFlowModel; config: MSFlowConfig } {
  setBackend(backend);
  const backbone = createBackbone(spec, weights);
  const config = presetConfig('cpu', {
    backbone: 'resnet18',
    backbonePadding: 'zeros',
    channels: backbone.taps.map((t) => t.channels),
    strides: backbone.taps.map((t) => t.stride),
    blocks: [1, 1, 1],
    condChannels: 16,
    inputSize: [SIZE, SIZE],
  });
  return { backbone, model: MSFlowModel.create(config), config };
}

/** Relative max difference, against the larger magnitude. */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let m = 1e-12;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m;
}

describe('MSFlow inference traced to ONNX', () => {
  let onnx: OnnxBackend;
  let net: ReturnType<typeof setup>;
  let dir: string;
  const n = 2;
  const image = Float32Array.from(new Rng(5).normalArray(n * 3 * SIZE * SIZE));
  let reference: { map: Float64Array; score: Float64Array };
  let tfjs: { map: Float32Array; score: Float32Array };

  let referenceNll: { map: Float64Array; score: Float64Array };

  /** Runs the inference function kernel by kernel on `backend`. */
  async function eagerRun(backend: Backend, kind: 'paper' | 'nll' = 'paper') {
    const r = setup(backend);
    const fn = msflowInferenceFn({ backbone: r.backbone, model: r.model, ...(kind === 'nll' ? { map: 'nll', score: 'nll' } : {}) });
    const out = tidy(() => fn(tensor(image, [n, 3, SIZE, SIZE])));
    const result = { map: await out.anomaly_map.data(), score: await out.score.data() };
    backend.dispose();
    return result;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'msflow-export-'));
    reference = (await eagerRun(createReferenceBackend())) as typeof reference;
    referenceNll = (await eagerRun(createReferenceBackend(), 'nll')) as typeof referenceNll;
    tfjs = (await eagerRun(await createTfjsBackend({ prefer: ['cpu'] }))) as typeof tfjs;
    onnx = createOnnxEagerBackend();
    net = setup(onnx);
  });
  afterAll(() => {
    onnx.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the compiled program matches the float64 reference, for any batch size, in one model', async () => {
    const f = compileOnnx(msflowInferenceFn({ backbone: net.backbone, model: net.model, threshold: 0 }), {
      inputs: [{ name: 'image', shape: [-1, 3, SIZE, SIZE] }],
    });
    const [map, score, label] = await f.run([{ data: image, shape: [n, 3, SIZE, SIZE] }]);
    expect(map.shape).toEqual([n, SIZE, SIZE]);
    expect(score.shape).toEqual([n]);
    expect(relDiff(map.data, reference.map)).toBeLessThan(1e-4);
    expect(relDiff(score.data, reference.score)).toBeLessThan(1e-4);
    expect(Array.from(label.data)).toEqual(Array.from(score.data, (s) => (s > 0 ? 1 : 0)));
    const [one] = await f.run([{ data: image.subarray(0, 3 * SIZE * SIZE), shape: [1, 3, SIZE, SIZE] }]);
    expect(relDiff(one.data, reference.map.subarray(0, SIZE * SIZE))).toBeLessThan(1e-4);
    expect(f.stats.staticReason).toBeUndefined();
    expect(f.stats.models).toBe(1);
    await f.dispose();
  });

  it('exports a standalone model (image in; anomaly_map, score, label out) matching the reference and tfjs', async () => {
    const path = join(dir, 'msflow.onnx');
    const threshold = reference.score[0]; // image 0 is not above its own score, image 1 is compared to it
    const model = await exportMSFlowOnnx({ backbone: net.backbone, model: net.model, threshold, path });
    expect(model.dynamicBatch).toBe(true);
    const session = await ort.InferenceSession.create(path);
    expect(session.inputNames).toEqual(['image']);
    expect(session.outputNames).toEqual(['anomaly_map', 'score', 'label']);
    const out = await session.run({ image: new ort.Tensor('float32', image, [n, 3, SIZE, SIZE]) });
    expect(out.anomaly_map.dims).toEqual([n, SIZE, SIZE]);
    expect(relDiff(out.anomaly_map.data as Float32Array, reference.map)).toBeLessThan(1e-4);
    expect(relDiff(out.score.data as Float32Array, reference.score)).toBeLessThan(1e-4);
    expect(relDiff(out.anomaly_map.data as Float32Array, tfjs.map)).toBeLessThan(1e-4);
    expect(relDiff(out.score.data as Float32Array, tfjs.score)).toBeLessThan(1e-4);
    const scores = out.score.data as Float32Array;
    expect(Array.from(out.label.data as Float32Array)).toEqual(Array.from(scores, (s) => (s > threshold ? 1 : 0)));
    await session.release();
  });

  it("exports the deployment interface (images: 'rgb8'): uint8 RGB NHWC in, preprocessing inside; score, label (uint8), map out", async () => {
    const threshold = 0;
    const model = await exportMSFlowOnnx({ backbone: net.backbone, model: net.model, threshold, images: 'rgb8', path: join(dir, 'rgb8.onnx') });
    expect(model.outputNames).toEqual(['score', 'label', 'map']);
    const session = await ort.InferenceSession.create(join(dir, 'rgb8.onnx'));
    const types = (m: readonly { name: string; isTensor: boolean }[]) => m.map((v) => [v.name, (v as { type?: string }).type]);
    expect(types(session.inputMetadata)).toEqual([['image', 'uint8']]);
    expect(types(session.outputMetadata)).toEqual([['score', 'float32'], ['label', 'uint8'], ['map', 'float32']]);
    // The same images as 8-bit RGB, and normalised by hand for the float export: the same outputs.
    const rgb = Uint8Array.from({ length: n * SIZE * SIZE * 3 }, (_, i) => (i * 7919) % 256);
    const x = preprocessPixels(Float32Array.from(rgb, (v) => v / 255), net.backbone.preprocess);
    const nchw = new Float32Array(x.length);
    const px = SIZE * SIZE;
    for (let b = 0; b < n; b++) for (let i = 0; i < px; i++) for (let c = 0; c < 3; c++) nchw[b * 3 * px + c * px + i] = x[b * 3 * px + i * 3 + c];
    const normalised = await ort.InferenceSession.create((await exportMSFlowOnnx({ backbone: net.backbone, model: net.model, threshold })).bytes);
    const want = await normalised.run({ image: new ort.Tensor('float32', nchw, [n, 3, SIZE, SIZE]) });
    const got = await session.run({ image: new ort.Tensor('uint8', rgb, [n, SIZE, SIZE, 3]) });
    expect(got.map.dims).toEqual([n, SIZE, SIZE]);
    expect(relDiff(got.map.data as Float32Array, want.anomaly_map.data as Float32Array)).toBeLessThan(1e-4);
    expect(relDiff(got.score.data as Float32Array, want.score.data as Float32Array)).toBeLessThan(1e-4);
    expect(Array.from(got.label.data as Uint8Array)).toEqual(Array.from(want.label.data as Float32Array));
    await Promise.all([session.release(), normalised.release()]);
  });

  it('exports the user-facing score: NLL map and score, the normalised score (0.5 at the threshold) and the label', async () => {
    const path = join(dir, 'msflow-nll.onnx');
    const [lo, hi] = [Math.min(...referenceNll.score), Math.max(...referenceNll.score)];
    const threshold = (lo + hi) / 2;
    const normalization = { threshold, min: lo - 1, max: hi };
    await exportMSFlowOnnx({ backbone: net.backbone, model: net.model, threshold, path, map: 'nll', score: 'nll', normalization });
    const session = await ort.InferenceSession.create(path);
    expect(session.outputNames).toEqual(['anomaly_map', 'score', 'normalized_score', 'label']);
    const out = await session.run({ image: new ort.Tensor('float32', image, [n, 3, SIZE, SIZE]) });
    expect(relDiff(out.anomaly_map.data as Float32Array, referenceNll.map)).toBeLessThan(1e-4);
    const scores = out.score.data as Float32Array;
    expect(relDiff(scores, referenceNll.score)).toBeLessThan(1e-4);
    expect(relDiff(out.normalized_score.data as Float32Array, Array.from(scores, (s) => normalizeScore(s, normalization)))).toBeLessThan(1e-5);
    expect(Array.from(out.label.data as Float32Array)).toEqual(Array.from(scores, (s) => (s > threshold ? 1 : 0)));
    expect(Array.from(out.label.data as Float32Array).reduce((a, b) => a + b, 0)).toBe(1); // the threshold lies between the two
    await session.release();
  });

  it('the feature extractor gives the same taps as the backbone run kernel by kernel', async () => {
    const f = compileOnnx(featureExtractorFn(net.backbone), { inputs: [{ name: 'image', shape: [-1, SIZE, SIZE, 3] }] });
    const x = image.subarray(0, SIZE * SIZE * 3);
    const taps = await f.run([{ data: x, shape: [1, SIZE, SIZE, 3] }]);
    const want = tidy(() => net.backbone.extract(tensor(x, [1, SIZE, SIZE, 3])));
    for (const [i, t] of want.entries()) {
      expect(taps[i].shape).toEqual(t.shape);
      expect(relDiff(taps[i].data, await t.data())).toBeLessThan(1e-5);
      t.dispose();
    }
  });
});
