import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CheckpointError,
  CORE_VERSION,
  crc32,
  deserializeCheckpoint,
  dispose,
  evaluate,
  loadCheckpoint,
  MSFlowModel,
  restoreModel,
  sealSidecar,
  serializeCheckpoint,
  setBackend,
  tidy,
  Trainer,
  type CheckpointSidecar,
  type MSFlowConfig,
  type TrainOptions,
} from '@msflow/core';
import { createReferenceBackend } from '@msflow/core/testing';
import { createFloat32ReferenceBackend, featureTensors, randomFeatureSet, tinyConfig } from './helpers.js';

// Float32-rounded storage: a float32 checkpoint then captures the training state exactly.
beforeAll(() => setBackend(createFloat32ReferenceBackend()));

const config = tinyConfig();
const features = randomFeatureSet(config, 4, 31);
const heldOut = randomFeatureSet(config, 3, 32);

/** An evaluation hook whose metrics depend on the weights, so restored metrics are checked too. */
const hook: TrainOptions['evaluate'] = async (m) => {
  const out = await evaluate(m, heldOut, { maps: false });
  return { meanScore: out.imageScores.reduce((s, v) => s + v, 0) / out.count };
};

async function trainFully(cfg: MSFlowConfig = config) {
  const model = MSFlowModel.create(cfg);
  const trainer = new Trainer(model);
  await trainer.run(features, { evaluate: hook });
  const ckpt = await serializeCheckpoint(model, { trainer, preset: 'tiny', backend: 'reference-f32' });
  trainer.dispose();
  model.dispose();
  return ckpt;
}

describe('checkpoints', () => {
  it('writes the library version and a standard CRC-32', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(CORE_VERSION).toBe(pkg.version);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe('cbf43926');
  });

  it('round-trips a model through bytes and a JSON sidecar', async () => {
    const model = MSFlowModel.create(config);
    const { weights, sidecar } = await serializeCheckpoint(model, { backboneWeights: 'wrn.safetensors' });
    const json = JSON.parse(JSON.stringify(sidecar)) as CheckpointSidecar;
    expect(json.training).toBeNull();
    expect(json.optimizer).toBeNull();
    expect(json.backbone).toEqual({ id: 'wide_resnet50_2', padding: 'reflect', weights: 'wrn.safetensors' });
    expect(json.weights.tensors).toBe(model.specs.length);
    const restored = restoreModel(deserializeCheckpoint(weights, json));
    expect(restored.permutations).toEqual(model.permutations);
    expect(restored.rngState).toEqual(model.rngState);
    const x = featureTensors(features, 2);
    const [a, b] = tidy(() => [model.forward(x).logDet.dataSync(), restored.forward(x).logDet.dataSync()]);
    expect(Array.from(b)).toEqual(Array.from(a));
    dispose(x);
    model.dispose();
    restored.dispose();
  });

  it('gives byte-identical checkpoints for the same seed after a short training run', async () => {
    const a = await trainFully();
    const b = await trainFully();
    expect(Buffer.from(b.weights).equals(Buffer.from(a.weights))).toBe(true);
    expect(JSON.stringify(b.sidecar)).toBe(JSON.stringify(a.sidecar));
    expect(a.sidecar.optimizer?.step).toBe(8);
    expect(a.sidecar.metrics?.history).toHaveLength(2);
    const c = await trainFully({ ...config, seed: 8 });
    expect(Buffer.from(c.weights).equals(Buffer.from(a.weights))).toBe(false);
  });

  for (const [label, abortAt] of [
    ['mid sub-epoch (step 3)', 3],
    ['at the meta-epoch boundary, after its evaluation (step 4)', 4],
  ] as const) {
    it(`resumes ${label} to the same final weights, optimizer state and metrics as an uninterrupted run`, async () => {
      const full = await trainFully();
      const model = MSFlowModel.create(config);
      const trainer = new Trainer(model);
      const controller = new AbortController();
      const first = await trainer.run(features, {
        signal: controller.signal,
        evaluate: hook,
        onProgress: (e) => {
          if (e.type === 'step' && e.step === abortAt) controller.abort();
        },
      });
      expect(first.status).toBe('cancelled');
      const mid = await serializeCheckpoint(model, { trainer, preset: 'tiny', backend: 'reference-f32' });
      trainer.dispose();
      model.dispose();

      const loaded = loadCheckpoint(mid.weights, JSON.parse(JSON.stringify(mid.sidecar)), { expect: config });
      expect(loaded.trainer?.state.step).toBe(abortAt);
      const rest = await loaded.trainer!.run(features, { evaluate: hook });
      expect(rest.steps).toBe(8 - abortAt);
      const end = await serializeCheckpoint(loaded.model, { trainer: loaded.trainer!, preset: 'tiny', backend: 'reference-f32' });
      expect(Buffer.from(end.weights).equals(Buffer.from(full.weights))).toBe(true);
      expect(end.sidecar).toEqual(full.sidecar);
      loaded.trainer!.dispose();
      loaded.model.dispose();
    });
  }

  it('loads on another backend (it is just floats)', async () => {
    const model = MSFlowModel.create(config);
    const { weights, sidecar } = await serializeCheckpoint(model);
    const x = featureTensors(features, 1);
    const want = tidy(() => Array.from(model.forward(x).z[2].dataSync()));
    dispose(x);
    model.dispose();
    setBackend(createReferenceBackend());
    try {
      const other = restoreModel(deserializeCheckpoint(weights, sidecar));
      const y = featureTensors(features, 1);
      const got = tidy(() => Array.from(other.forward(y).z[2].dataSync()));
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
      dispose(y);
      other.dispose();
    } finally {
      setBackend(createFloat32ReferenceBackend());
    }
  });

  describe('validation', () => {
    const base = async () => {
      const model = MSFlowModel.create(config);
      const trainer = new Trainer(model);
      const ckpt = await serializeCheckpoint(model, { trainer });
      trainer.dispose();
      model.dispose();
      return ckpt;
    };

    it('fails clearly on truncated or corrupted weights', async () => {
      const { weights, sidecar } = await base();
      expect(() => deserializeCheckpoint(weights.subarray(0, weights.length - 10), sidecar, { source: 'last' })).toThrow(
        /last: weights are \d+ bytes but the sidecar recorded \d+ \(truncated file\?\)/,
      );
      const flipped = Uint8Array.from(weights);
      flipped[flipped.length - 1] ^= 0xff;
      expect(() => deserializeCheckpoint(flipped, sidecar)).toThrow(/CRC-32 .* \(corrupt or mismatched file\)/);
      // A truncated file whose sidecar was also rewritten still fails in the safetensors reader.
      const cut = weights.subarray(0, weights.length - 10);
      const rewritten = sealSidecar({ ...sidecar, weights: { ...sidecar.weights, bytes: cut.length, crc32: crc32(cut) } });
      expect(() => deserializeCheckpoint(cut, rewritten)).toThrow(CheckpointError);
      expect(() => deserializeCheckpoint(cut, rewritten)).toThrow(/truncated/);
    });

    it('checks tensor names and shapes against the config in the sidecar', async () => {
      const { weights, sidecar } = await base();
      const bigger = MSFlowModel.create({ ...config, channels: [4, 8, 12] });
      const lie = sealSidecar({ ...sidecar, config: bigger.config, permutations: bigger.permutations });
      bigger.dispose();
      expect(() => deserializeCheckpoint(weights, lie)).toThrow(/weights do not match the model in the sidecar: .*shape mismatch\(es\): .*expected/);
      const fewer = sealSidecar({ ...sidecar, config: { ...config, blocks: [1, 1, 1] }, permutations: { ...sidecar.permutations, parallel: sidecar.permutations.parallel.map((p) => p.slice(0, 1)) } });
      expect(() => deserializeCheckpoint(weights, fewer)).toThrow(/unexpected tensor\(s\): .*parallel\.0\.1\./);
      const noOptimizer = sealSidecar({ ...sidecar, training: null, optimizer: null, metrics: null });
      expect(() => deserializeCheckpoint(weights, noOptimizer)).toThrow(/unexpected tensor\(s\): adam\./);
    });

    it('checks the sidecar itself and an expected configuration', async () => {
      const { weights, sidecar } = await base();
      expect(() => deserializeCheckpoint(weights, { ...sidecar, format: 'other' })).toThrow(/sidecar format is "other"/);
      expect(() => deserializeCheckpoint(weights, { ...sidecar, formatVersion: 3 })).toThrow(/format version 3 is not supported \(this library reads 1 and 2\)/);
      expect(() => deserializeCheckpoint(weights, sealSidecar({ ...sidecar, optimizer: null }))).toThrow(/saved together/);
      expect(() =>
        deserializeCheckpoint(weights, sealSidecar({ ...sidecar, permutations: { ...sidecar.permutations, fusion: [[0, 0, 1, 2], ...sidecar.permutations.fusion.slice(1)] } })),
      ).toThrow(/fusion permutation 0.*not a permutation/);
      expect(() => deserializeCheckpoint(weights, 'nope')).toThrow(/not a JSON object/);
      expect(() => deserializeCheckpoint(weights, sidecar, { expect: { ...config, blocks: [2, 2, 2], condChannels: 8 } })).toThrow(
        /does not match the configuration: blocks \[2,1,1\] \(expected \[2,2,2\]\); condChannels 4 \(expected 8\)/,
      );
    });
  });
});
