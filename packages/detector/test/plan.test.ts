import { latentShapes, MSFlowModel, presetConfig, Rng, Trainer } from '@msflow/core';
import { describe, expect, it } from 'vitest';
import { DetectorError, ExecutionPlan, describePlan, onBackend } from '../src/index.js';

describe('ExecutionPlan: one decision of where the backbone, training and scoring run', () => {
  it('auto: everything traced on onnxruntime (it loads here), parameters on the best eager backend', async () => {
    const plan = await ExecutionPlan.resolve({});
    const s = plan.summary;
    expect(s.features).toMatchObject({ traced: true, runs: expect.stringMatching(/^onnxruntime \(cpu, \d+ threads?\)$/) });
    expect(s.training).toEqual(s.features);
    expect(s.scoring).toEqual(s.features);
    expect(s.backend.name).not.toBe('onnx');
    expect(plan.stepper).toBeDefined();
    expect(plan.describe()).toMatch(/^backbone traced on onnxruntime .*; training traced on .*; scoring traced on .*; parameters on /);
  });

  it('a named backend runs everything on it, the backbone too, and says why nothing is traced', async () => {
    const s = (await ExecutionPlan.resolve({ backend: 'tfjs' })).summary;
    for (const stage of [s.features, s.training, s.scoring]) expect(stage).toEqual({ runs: 'tfjs', traced: false, why: 'backend tfjs' });
  });

  it('trainer eager keeps the backbone traced, and trainer traced with a named backend traces training and scoring', async () => {
    const eager = (await ExecutionPlan.resolve({ trainer: 'eager' })).summary;
    expect(eager.features.traced).toBe(true);
    expect(eager.training).toMatchObject({ traced: false, why: 'trainer eager' });
    expect(eager.scoring).toEqual(eager.training);
    const traced = (await ExecutionPlan.resolve({ backend: 'tfjs', trainer: 'traced' })).summary;
    expect(traced.features).toMatchObject({ traced: false, runs: 'tfjs' });
    expect(traced.training.traced).toBe(true);
    expect(describePlan(traced)).toMatch(/^backbone eager on tfjs \(not traced: backend tfjs\); training traced/);
  });

  it('bad options are typed usage errors naming the option, before any backend starts', async () => {
    const providers = await ExecutionPlan.check({ executionProviders: ['tpu'] }).catch((e: unknown) => e);
    expect(providers).toBeInstanceOf(DetectorError);
    expect(providers).toMatchObject({ kind: 'usage', option: 'executionProviders', detail: expect.stringMatching(/^unknown provider 'tpu' \(available here: cpu/) });
    const trainer = await ExecutionPlan.check({ trainer: 'jit' as never }).catch((e: unknown) => e);
    expect(trainer).toMatchObject({ kind: 'usage', option: 'trainer' });
    const backend = await ExecutionPlan.resolve({ backend: 'nosuch' }).catch((e: unknown) => e);
    expect(backend).toMatchObject({ kind: 'usage', option: 'backend', detail: expect.stringMatching(/^unknown backend 'nosuch' \(available here: auto, /) });
  });

  it("traced scoring reads the traced trainer's parameter store", async () => {
    const plan = await ExecutionPlan.resolve({});
    const config = presetConfig('cpu-resnet18', { inputSize: [32, 32], blocks: [1, 1, 1], condChannels: 8, train: { metaEpochs: 1, subEpochs: 1, batchSize: 2 } });
    const model = onBackend(plan.backend, () => MSFlowModel.create(config));
    const trainer = onBackend(plan.backend, () => new Trainer(model, undefined, { stepper: plan.stepper }));
    const shared = plan.scoring(model, trainer);
    const rng = new Rng(1);
    const features = (n: number) => ({ count: n, scales: latentShapes(config).map((shape) => ({ shape, data: rng.normalArray(n * shape[0] * shape[1] * shape[2]) })) });
    const test = features(2);
    // Before a step the store is empty: scoring reads the model.
    const before = await shared.evaluate(test, { maps: false });
    await onBackend(plan.backend, () => trainer.run(features(4)));
    const after = await shared.evaluate(test, { maps: false });
    const fromModel = plan.scoring(model);
    const synced = await fromModel.evaluate(test, { maps: false });
    expect(Array.from(after.imageScores)).not.toEqual(Array.from(before.imageScores));
    after.imageScores.forEach((v, i) => expect(v).toBeCloseTo(synced.imageScores[i], 6));
    await fromModel.dispose();
    const scoring = shared;
    await Promise.all([scoring.dispose(), trainer.dispose()]);
    onBackend(plan.backend, () => model.dispose());
  });
});
