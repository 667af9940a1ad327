import { beforeAll, describe, expect, it } from 'vitest';
import { dispose, engine, MSFlowModel, nllPerImage, Trainer, validationLoss } from '@msflow/core';
import { useReferenceBackend } from '@msflow/core/testing';
import { featureTensors, randomFeatureSet, randomizeParams, tinyConfig } from './helpers.js';

beforeAll(() => useReferenceBackend());

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);

describe('validationLoss', () => {
  const config = tinyConfig();
  const heldOut = randomFeatureSet(config, 5, 33);

  it('is the mean per-image NLL of one forward pass, whatever the batch size, and frees its tensors', async () => {
    const model = MSFlowModel.create(config);
    randomizeParams(model, 4);
    const batch = featureTensors(heldOut);
    const { z, logDet } = model.forward(batch);
    const perImage = nllPerImage(z, logDet);
    const expected = Array.from(await perImage.data()).reduce((a, b) => a + b, 0) / heldOut.count;
    dispose([batch, z, logDet, perImage]);

    const live = engine.numTensors();
    const dims = heldOut.scales.reduce((n, s) => n + s.shape[0] * s.shape[1] * s.shape[2], 0);
    for (const b of [1, 2, 5, 8]) {
      const v = await validationLoss(model, heldOut, b);
      // float32 sums in another order: 1e-5 relative.
      expect(rel(v.loss, expected)).toBeLessThan(1e-5);
      expect(v.lossPerDim).toBeCloseTo(v.loss / dims, 10);
      expect(v.images).toBe(5);
    }
    expect(engine.numTensors()).toBe(live);
    model.dispose();
  });

  it('reads the parameters the trainer left in the model', async () => {
    const model = MSFlowModel.create(config);
    const train = randomFeatureSet(config, 4, 21);
    const before = await validationLoss(model, train, 2);
    const trainer = new Trainer(model);
    await trainer.run(train);
    const after = await validationLoss(model, train, 2);
    // Eight steps on these very images: their NLL must fall.
    expect(after.loss).toBeLessThan(before.loss);
    trainer.dispose();
    model.dispose();
  });

  it('refuses an empty set and a bad batch size', async () => {
    const model = MSFlowModel.create(config);
    await expect(validationLoss(model, randomFeatureSet(config, 0, 1), 2)).rejects.toThrow(/no images/);
    await expect(validationLoss(model, heldOut, 0)).rejects.toThrow(/batchSize must be an integer >= 1, got 0/);
    model.dispose();
  });
});
