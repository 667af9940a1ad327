// The traced training step (one ONNX graph: loss, backward, clipping, Adam) against the eager
// trainer on the float64 reference backend, checkpoint resume on the traced path, and the
// execution-provider check.
import { beforeAll, describe, expect, it } from 'vitest';
import { deserializeCheckpoint, evaluate, MSFlowModel, restoreModel, restoreTrainer, serializeCheckpoint, setBackend, Trainer, type Backend } from '@msflow/core';
import { createReferenceBackend, randomFeatureSet, recordTraining, relativeError, tinyMSFlowConfig } from '@msflow/core/testing';
import { TracedScorer, TracedTrainStep, tracedTrainStepper } from '../src/index.js';
import { maxAbsDiff } from './helpers.js';

// 5 images in batches of 2: every sub-epoch has a partial last batch (a second input shape).
const config = tinyMSFlowConfig({ train: { metaEpochs: 4, subEpochs: 2 } });
const features = randomFeatureSet(config, 5, 21);
const STEPS = 4 * 2 * 3;
let reference: Backend;

beforeAll(() => {
  reference = createReferenceBackend();
  setBackend(reference);
});

describe('traced train step', () => {
  it(`matches the eager trainer (float64 reference) after ${STEPS} steps: weights and loss curve within 1e-4 relative`, async () => {
    const eager = await recordTraining(reference, config, features);
    const traced = await recordTraining(reference, config, features, { stepper: tracedTrainStepper({ session: { intraOpNumThreads: 1 } }) });
    expect(traced.losses).toHaveLength(STEPS);
    expect(eager.losses).toHaveLength(STEPS);
    // The run must actually learn, or parity would be trivial.
    expect(traced.losses.at(-1)!).toBeLessThan(traced.losses[0]);
    expect(relativeError(traced.losses, eager.losses)).toBeLessThan(1e-4);
    expect(relativeError(traced.gradNorms, eager.gradNorms)).toBeLessThan(1e-4);
    for (const [name, want] of eager.params) expect(relativeError(traced.params.get(name)!, want), name).toBeLessThan(1e-4);
  });

  it('resumes a cancelled traced run bit-for-bit from its checkpoint', async () => {
    const stepper = tracedTrainStepper({ session: { intraOpNumThreads: 1 } });
    const full = MSFlowModel.create(config);
    const straight = new Trainer(full, undefined, { stepper });
    await straight.run(features);
    const want = await serializeCheckpoint(full, { trainer: straight });

    const model = MSFlowModel.create(config);
    const first = new Trainer(model, undefined, { stepper });
    const stop = new AbortController();
    const r1 = await first.run(features, { signal: stop.signal, onProgress: (e) => void (e.type === 'step' && e.step === 7 && stop.abort()) });
    expect(r1.status).toBe('cancelled');
    const saved = await serializeCheckpoint(model, { trainer: first });
    await first.dispose();
    model.dispose();

    const content = deserializeCheckpoint(saved.weights, JSON.parse(JSON.stringify(saved.sidecar)));
    const resumedModel = restoreModel(content);
    const resumed = restoreTrainer(resumedModel, content, { stepper });
    expect(resumed.stepper.description).toMatch(/^traced onnx \(cpu, 1 thread\)/);
    const r2 = await resumed.run(features);
    expect(r2.status).toBe('completed');
    expect(r2.steps).toBe(STEPS - 7);
    const got = await serializeCheckpoint(resumedModel, { trainer: resumed });
    expect(Buffer.from(got.weights).equals(Buffer.from(want.weights))).toBe(true);
    expect(got.sidecar.training).toEqual(want.sidecar.training);
    await Promise.all([straight.dispose(), resumed.dispose()]);
    full.dispose();
    resumedModel.dispose();
  });

  it('leaves the parameters unchanged and names the step when the loss is not finite', async () => {
    const model = MSFlowModel.create(config);
    const bad = randomFeatureSet(config, 2, 3);
    bad.scales[0].data[0] = Number.NaN;
    const trainer = new Trainer(model, undefined, { stepper: tracedTrainStepper() });
    const before = await model.paramArrays();
    await expect(trainer.run(bad)).rejects.toThrow(/^step 1: loss NaN.*parameters unchanged/);
    const after = await model.paramArrays();
    for (const [name, a] of before) expect(after.get(name)!.data, name).toEqual(a.data);
    await trainer.dispose();
    model.dispose();
  });

  it('rejects an unknown execution provider in one line that lists the available ones', () => {
    const model = MSFlowModel.create(config);
    let message = '';
    try {
      new TracedTrainStep(model, undefined, { executionProviders: ['cuda-typo'] });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^execution providers: unknown provider 'cuda-typo' \(available here: cpu[,)]/);
    expect(message).not.toContain('\n');
    model.dispose();
  });

  it('scores like core evaluate and follows the model as its parameters change (TracedScorer)', async () => {
    const model = MSFlowModel.create(config);
    const test = randomFeatureSet(config, 3, 5);
    const scoring = new TracedScorer(model, { session: { intraOpNumThreads: 1 } });
    for (let round = 0; round < 2; round++) {
      const want = await evaluate(model, test);
      const got = await evaluate(model, test, { scorer: scoring.scorer });
      expect(maxAbsDiff(got.imageScores, want.imageScores)).toBeLessThan(1e-4 * Math.max(...want.imageScores.map(Math.abs)));
      expect(maxAbsDiff(got.addMaps!, want.addMaps!)).toBeLessThan(1e-4);
      expect(maxAbsDiff(got.mulMaps!, want.mulMaps!)).toBeLessThan(1e-4);
      // The user-facing score and map: the traced program computes what the eager path does.
      expect(maxAbsDiff(got.nllScores, want.nllScores)).toBeLessThan(1e-4 * Math.max(...want.nllScores.map(Math.abs)));
      expect(maxAbsDiff(got.nllMaps!, want.nllMaps!)).toBeLessThan(1e-4 * Math.max(...want.nllMaps!.map(Math.abs)));
      // Train a little: the next round must see the new parameters, not the traced ones.
      await new Trainer(model, undefined, { stepper: tracedTrainStepper() }).run(features);
    }
    await scoring.dispose();
    model.dispose();
  });

  it("shares the traced trainer's parameter store: scores as from the synced model, without reading the model's tensors", async () => {
    const model = MSFlowModel.create(config);
    const test = randomFeatureSet(config, 3, 7);
    const trainer = new Trainer(model, undefined, { stepper: tracedTrainStepper({ session: { intraOpNumThreads: 1 } }) });
    const shared = new TracedScorer(model, { session: { intraOpNumThreads: 1 }, params: trainer.stepper as TracedTrainStep });
    const fromModel = new TracedScorer(model, { session: { intraOpNumThreads: 1 } });
    let reads = 0;
    const paramTensors = model.paramTensors.bind(model);
    model.paramTensors = () => {
      reads++;
      return paramTensors();
    };
    // Score mid-run (before the trainer syncs the model): only the store has the new weights.
    const scores: Float32Array[] = [];
    let scorerReads = 0;
    const scoreShared = async () => {
      const before = reads;
      const out = (await evaluate(model, test, { scorer: shared.scorer })).imageScores;
      scorerReads += reads - before;
      return out;
    };
    let stale: Float32Array | undefined;
    await trainer.run(features, {
      onProgress: async (e) => {
        if (e.type !== 'step' || e.step !== 3) return;
        scores.push(await scoreShared());
        stale = (await evaluate(model, test, { scorer: fromModel.scorer })).imageScores; // the model's tensors: not synced mid-meta-epoch
      },
    });
    const after = await scoreShared();
    const synced = (await evaluate(model, test, { scorer: fromModel.scorer })).imageScores;
    expect(maxAbsDiff(after, synced)).toBeLessThan(1e-6);
    // Mid-run, the store is ahead of the model's tensors, and the shared scorer sees the store.
    expect(maxAbsDiff(scores[0], stale!)).toBeGreaterThan(1e-7);
    expect(maxAbsDiff(scores[0], after)).toBeGreaterThan(1e-7);
    expect(scorerReads).toBe(0); // scoring never read the model's tensors
    expect(reads).toBeGreaterThan(0); // (the spy works: the trainer's syncs did)
    await Promise.all([shared.dispose(), fromModel.dispose(), trainer.dispose()]);
    model.dispose();
  });

  // Each scoring field of the config must reach the traced graph: the same maps and scores as core
  // evaluate, and other ones than the same parameters without the field (so it was not dropped).
  it.each([
    { field: 'mapScales (the two finer scales)', change: { mapScales: [0, 1] } },
    { field: 'mapSigma (smoothed maps)', change: { mapSigma: 2 } },
  ])('traces the config\'s $field as core evaluate scores it', async ({ change }) => {
    const model = MSFlowModel.create({ ...config, ...change });
    const plain = MSFlowModel.create(config);
    const test = randomFeatureSet(config, 3, 6);
    const scoring = new TracedScorer(model, { session: { intraOpNumThreads: 1 } });
    const want = await evaluate(model, test);
    const got = await evaluate(model, test, { scorer: scoring.scorer });
    for (const key of ['addMaps', 'mulMaps'] as const) expect(maxAbsDiff(got[key]!, want[key]!), key).toBeLessThan(1e-4);
    expect(maxAbsDiff(got.nllMaps!, want.nllMaps!)).toBeLessThan(1e-4 * Math.max(...want.nllMaps!.map(Math.abs)));
    expect(maxAbsDiff(got.imageScores, want.imageScores)).toBeLessThan(1e-4 * Math.max(...want.imageScores.map(Math.abs)));
    expect(maxAbsDiff(got.nllScores, want.nllScores)).toBeLessThan(1e-4 * Math.max(...want.nllScores.map(Math.abs)));
    expect(maxAbsDiff((await evaluate(plain, test)).addMaps!, got.addMaps!)).toBeGreaterThan(1e-3);
    await scoring.dispose();
    model.dispose();
    plain.dispose();
  });
});
