import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImageSync, writeSyntheticClass } from '@msflow/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Detector, DetectorError, type FitEvent } from '../src/index.js';

// A small synthetic class at 64 px, one meta-epoch: the whole library surface in seconds.
const SIZE = 64;
const fitOptions = { preset: 'cpu', seed: 3, config: { inputSize: [SIZE, SIZE] as [number, number], train: { metaEpochs: 1, subEpochs: 1, batchSize: 4 } } };

describe('Detector: fit, predict, evaluate, save, load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msflow-detector-'));
  const cls = join(dir, 'synth_woven');
  const good = (i: number) => join(cls, 'test', 'good', readdirSync(join(cls, 'test', 'good')).sort()[i]);
  let detector: Detector;
  const events: FitEvent['type'][] = [];

  beforeAll(async () => {
    writeSyntheticClass(dir, { family: 'woven', size: SIZE, seed: 4, trainCount: 8, testGoodCount: 3, testAnomalyCount: 3 });
    detector = await Detector.fit({ train: join(cls, 'train', 'good'), test: join(cls, 'test'), ...fitOptions, onProgress: (e) => void events.push(e.type) });
    await detector.save(join(dir, 'model'));
  });
  afterAll(async () => {
    await detector?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fits on a folder of normal images with one plan, and reports its progress', () => {
    expect(events[0]).toBe('start');
    expect(events).toContain('featuresReady');
    expect(events).toContain('step');
    expect(events).toContain('evaluation');
    const plan = detector.planSummary;
    // onnxruntime-node is installed here: the backbone, the steps and the scoring all run traced.
    expect(plan.features).toMatchObject({ traced: true, runs: expect.stringMatching(/^onnxruntime \(cpu/) });
    expect(plan.training.traced).toBe(true);
    expect(plan.scoring.traced).toBe(true);
    expect(detector.config.backbone).toBe('keras_resnet50');
    expect(detector.thresholds.normal).toMatchObject({ score: 'nll', source: 'validation', images: 2, targetFpr: 0.01 });
    expect(detector.thresholds.f1?.images).toBe(6);
  });

  it('predicts files and pixels alike: score, label from the stored threshold, map at the input size', async () => {
    const files = [good(0), join(cls, 'test', 'crack', readdirSync(join(cls, 'test', 'crack'))[0])].filter(Boolean);
    const byPath = await detector.predict(files);
    const pixels = files.map((f) => {
      const im = readImageSync(f);
      return { width: im.width, height: im.height, data: im.data as Uint8Array, channels: im.channels as 3 };
    });
    const byPixels = await detector.predict(pixels);
    expect(byPath).toHaveLength(files.length);
    byPath.forEach((r, i) => {
      expect(r.source).toBe(files[i]);
      expect(Number.isFinite(r.score)).toBe(true);
      expect(r.label).toBe(r.score >= detector.threshold()!.value ? 1 : 0);
      expect(r.map.data).toHaveLength(SIZE * SIZE);
      expect(byPixels[i].score).toBeCloseTo(r.score, 5);
    });
  });

  it('saves and loads: the loaded detector gives the same scores and thresholds', async () => {
    const files = [good(0), good(1)];
    const before = await detector.predict(files);
    const saved = await detector.save(join(dir, 'saved'));
    expect(saved.weights).toBe(join(dir, 'saved', 'model.safetensors'));
    const loaded = await Detector.load(join(dir, 'saved'));
    try {
      const after = await loaded.predict(files);
      after.forEach((r, i) => expect(r.score).toBeCloseTo(before[i].score, 5));
      expect(loaded.thresholds).toEqual(detector.thresholds);
      expect(loaded.planSummary.scoring.traced).toBe(true);
    } finally {
      await loaded.dispose();
    }
  });

  it('evaluates a labelled folder and scores it as the fit did', async () => {
    const r = await detector.evaluate(join(cls, 'test'));
    expect(r.set.labels.length).toBe(6);
    expect(r.metrics.imageAuroc).toBeGreaterThanOrEqual(0);
    expect(r.f1).toEqual(detector.thresholds.f1);
  });

  it('an eager plan on the tfjs backend gives the traced scores', async () => {
    const eager = await Detector.load(join(dir, 'model'), { backend: 'tfjs' });
    try {
      expect(eager.planSummary.features).toMatchObject({ traced: false, runs: 'tfjs', why: 'backend tfjs' });
      expect(eager.planSummary.scoring.traced).toBe(false);
      const [a] = await eager.predict(good(2));
      const [b] = await detector.predict(good(2));
      expect(a.score).toBeCloseTo(b.score, 2);
    } finally {
      await eager.dispose();
    }
  });

  it('typed errors: a missing checkpoint is a failure, a bad option a usage error naming it', async () => {
    const missing = await Detector.load(join(dir, 'nowhere')).catch((e) => e);
    expect(missing).toBeInstanceOf(DetectorError);
    expect(missing.kind).toBe('failure');
    expect(missing.message).toMatch(/nowhere.*checkpoint file does not exist/);
    const providers = await Detector.load(join(dir, 'model'), { executionProviders: ['tpu'] }).catch((e) => e);
    expect(providers).toMatchObject({ kind: 'usage', option: 'executionProviders' });
    expect(providers.detail).toMatch(/unknown provider 'tpu'/);
    const preset = await Detector.fit({ train: join(cls, 'train', 'good'), preset: 'huge' }).catch((e) => e);
    expect(preset).toMatchObject({ kind: 'usage', option: 'preset', message: expect.stringMatching(/^preset: unknown preset 'huge'/) });
    const backbone = await Detector.fit({ train: join(cls, 'train', 'good'), preset: 'cpu-resnet18' }).catch((e) => e);
    expect(backbone).toMatchObject({ kind: 'usage', option: 'backbone' });
  });

  it('an aborted fit stops at a step boundary and can be resumed from its checkpoint', async () => {
    const controller = new AbortController();
    const long = { ...fitOptions, config: { ...fitOptions.config, train: { metaEpochs: 2, subEpochs: 1, batchSize: 2 } } };
    const r = await Detector.fitWithReport({ train: join(cls, 'train', 'good'), ...long, signal: controller.signal, onProgress: (e) => void (e.type === 'step' && e.step === 2 && controller.abort()) });
    expect(r.status).toBe('cancelled');
    await r.detector.save(join(dir, 'stopped'));
    await r.detector.dispose();
    const resumed = await Detector.fitWithReport({ resume: join(dir, 'stopped') });
    try {
      expect(resumed.status).toBe('completed');
      expect(resumed.metrics.history).toHaveLength(2);
    } finally {
      await resumed.detector.dispose();
    }
  });
});
