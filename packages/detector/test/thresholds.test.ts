import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, MSFlowModel, normalizeScore, type EvaluationOutput } from '@msflow/core';
import { randomFeatureSet, tinyMSFlowConfig, useReferenceBackend } from '@msflow/core/testing';
import { writeImageSync, type ImageDataset } from '@msflow/data';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureExtractor } from '../src/backbone/extractor.js';
import type { LoadedCheckpoint } from '../src/model/checkpoint.js';
import { recalibrate } from '../src/model/calibrate.js';
import { checkCliInfo } from '../src/model/cli_info.js';
import { f1Threshold, missingThreshold, normalized, normalThreshold, pickThreshold, thresholdOnSet, type Thresholds } from '../src/model/thresholds.js';

beforeAll(() => useReferenceBackend());

const config = tinyMSFlowConfig();

/** An extractor that gives seeded random features and throws if anything reads a label. */
function labelFreeExtractor(seen: { images: number[] }): FeatureExtractor {
  return {
    async extract(dataset: ImageDataset) {
      seen.images.push(dataset.length);
      const set = { features: randomFeatureSet(config, dataset.length, 100 + dataset.length), where: 'memory', paths: dataset.entries.map((e) => e.path), types: [], seconds: 0 };
      return Object.defineProperty(set, 'labels', {
        get() {
          throw new Error('a label was read');
        },
      });
    },
  } as unknown as FeatureExtractor;
}

describe('thresholds from normal images only', () => {
  it('msflow test --fpr: chosen on the images training held out, on a dataset with no label at all', async () => {
    // A folder dataset: 10 normal images and nothing else (no test split, so no label exists).
    const root = mkdtempSync(join(tmpdir(), 'msflow-thresholds-'));
    const good = join(root, 'good');
    mkdirSync(good);
    for (let i = 0; i < 10; i++) writeImageSync(join(good, `${i}.png`), { width: 4, height: 4, channels: 3, depth: 8, data: new Uint8Array(48).fill(i) });
    const ckpt = {
      paths: { weights: join(root, 'model.safetensors'), sidecar: join(root, 'model.json') },
      sidecar: { config, cli: { backbone: 'random', dataset: { kind: 'folder', root: good, className: 'parts' }, thresholds: {}, split: { valSplit: 0.3, fpr: 0.01 } } },
    } as unknown as LoadedCheckpoint;
    const model = MSFlowModel.create(config);
    const seen = { images: [] as number[] };
    const run = (fx: FeatureExtractor) => ({ extract: (images: ImageDataset) => fx.extract(images), score: (features: Parameters<typeof evaluate>[1]) => evaluate(model, features) });
    const t = await recalibrate(ckpt.sidecar.cli!, config, ckpt.paths.sidecar, 0.2, run(labelFreeExtractor(seen)) as never);
    expect(seen.images).toEqual([3]); // the 3 held-out images, not the 7 the flows trained on
    expect(t).toMatchObject({ score: 'nll', targetFpr: 0.2, source: 'validation', images: 3 });
    // The same images scored directly: 0 of 3 may be flagged at 20 %, so the threshold is above all.
    const direct = await evaluate(model, randomFeatureSet(config, 3, 103));
    expect(Math.max(...direct.nllScores)).toBeLessThan(t.value);
    expect(t.fpr).toBe(0);
    expect(t.normal).toEqual({ min: Math.min(...direct.nllScores), max: Math.max(...direct.nllScores) });
    expect(t.pixel.threshold).toBeGreaterThan(t.pixel.low);
    // Nothing held out: the training images themselves, said to be optimistic.
    const all = await recalibrate({ ...ckpt.sidecar.cli!, split: { valSplit: 0 } }, config, ckpt.paths.sidecar, 0.2, run(labelFreeExtractor(seen)) as never);
    expect(all).toMatchObject({ source: 'train', images: 10, fpr: 0.2 });
    model.dispose();
  });

  it('normalThreshold: threshold, normalisation (threshold → 0.5) and pixel calibration from one normal evaluation', () => {
    const px = 4;
    const normal = {
      count: 5,
      shape: { height: 2, width: 2 },
      nllScores: Float32Array.of(1, 2, 3, 4, 5),
      imageScores: new Float32Array(5),
      nllMaps: Float32Array.from({ length: 5 * px }, (_, i) => (i % px === 0 ? 10 + Math.floor(i / px) : 1)),
      seconds: 0,
    } as EvaluationOutput;
    const t = normalThreshold(normal, 0.2, 'validation');
    expect(t).toEqual({ score: 'nll', value: 4.5, targetFpr: 0.2, fpr: 0.2, source: 'validation', images: 5, normal: { min: 1, max: 5 }, pixel: { threshold: 13.5, low: 1, targetFpr: 0.2, fpr: 0.2 } });
    const chosen = pickThreshold({ normal: t }, 'auto')!;
    expect(chosen.value).toBe(4.5);
    expect(chosen.from).toMatch(/^FPR 0\.2 on 5 held-out normal images/);
    expect(normalized(4.5, chosen)).toBe(0.5);
    expect(normalized(9, chosen)).toBe(normalizeScore(9, { threshold: 4.5, min: 1, max: 5 }));
    expect(() => normalThreshold({ ...normal, nllMaps: undefined }, 0.2, 'validation')).toThrow(/maps: true/);
  });

  it('F1-max only from labelled images, on the user-facing score; older thresholds (paper score) are never applied', () => {
    expect(f1Threshold([1, 2, 3], [0, 0, 0], 'test')).toBeUndefined();
    const f1 = f1Threshold([1, 2, 8, 9], [0, 0, 1, 1], 'test')!;
    expect(f1).toEqual({ value: 8, f1: 1, source: 'test', images: 4, score: 'nll' });
    const legacy: Thresholds = { f1: { value: 0.9999, f1: 1, source: 'test', images: 4 }, quantile: { value: 0.99, q: 0.99, source: 'train', images: 10 } };
    expect(pickThreshold(legacy, 'auto')).toBeUndefined();
    expect(pickThreshold(legacy, 'f1')).toBeUndefined();
    expect(missingThreshold(legacy, 'auto')).toMatch(/paper score of an older version/);
    expect(pickThreshold({ f1 }, 'f1')).toMatchObject({ value: 8, from: 'F1-max on 4 labelled test images' });
    // auto never falls back to a threshold tuned on test labels.
    expect(pickThreshold({ f1 }, 'auto')).toBeUndefined();
    expect(pickThreshold({}, 12)).toEqual({ value: 12, from: '--threshold' });
  });

  it('the sidecar check accepts a stored normal threshold and refuses a broken one, naming the field', () => {
    const normal = { score: 'nll', value: 4.5, targetFpr: 0.2, fpr: 0.2, source: 'validation', images: 5, normal: { min: 1, max: 5 }, pixel: { threshold: 13.5, low: 1, targetFpr: 0.2, fpr: 0.2 } };
    const cli = (n: object) => ({ backbone: 'default', thresholds: { normal: n }, split: { valSplit: 0.2, fpr: 0.2 } });
    expect(() => checkCliInfo(cli(normal), 'model.json')).not.toThrow();
    expect(() => checkCliInfo(cli({ ...normal, pixel: { threshold: 'x', low: 1 } }), 'model.json')).toThrow(/^model\.json: field cli\.thresholds\.normal\.pixel: expected finite \{ threshold, low \}/);
    expect(() => checkCliInfo(cli({ ...normal, normal: { min: 5, max: 1 } }), 'model.json')).toThrow(/field cli\.thresholds\.normal\.normal: expected finite \{ min, max \} with min <= max/);
    expect(() => checkCliInfo(cli({ ...normal, score: 'paper' }), 'model.json')).toThrow(/field cli\.thresholds\.normal\.score/);
    expect(() => checkCliInfo({ ...cli(normal), split: { valSplit: 0.2, fpr: 2 } }, 'model.json')).toThrow(/field cli\.split\.fpr: expected a false-positive rate in \[0, 0\.5\]/);
  });

  it('thresholdOnSet: the FPR on the normals and the recall on the anomalies', () => {
    expect(thresholdOnSet(5, [1, 6, 2, 7, 4, 9], [0, 0, 0, 0, 1, 1])).toEqual({ fpr: 0.5, recall: 0.5, normals: 4, anomalous: 2 });
    expect(thresholdOnSet(5, [1, 6], [0, 0])).toEqual({ fpr: 0.5, normals: 2, anomalous: 0 });
  });
});
