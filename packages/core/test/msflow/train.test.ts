import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  clipByGlobalNorm,
  dispose,
  engine,
  learningRate,
  MSFlowModel,
  PAPER_PRESET,
  recordEpoch,
  emptyMetrics,
  scaledSchedule,
  tensor,
  Trainer,
  TrainingError,
  type TrainEvent,
} from '@msflow/core';
import { useReferenceBackend } from '@msflow/core/testing';
import { randomFeatureSet, tinyConfig } from './helpers.js';

beforeAll(() => useReferenceBackend());

describe('learning-rate schedule (spec §7)', () => {
  it('reproduces the paper values: warm-up 0.1 → 1 over 12 sub-epochs, ×0.33 at 70 and 90', () => {
    const lr = (e: number) => learningRate(PAPER_PRESET.train, e);
    expect(lr(0)).toBeCloseTo(1e-5, 15);
    expect(lr(1)).toBeCloseTo(1.75e-5, 15);
    expect(lr(11)).toBeCloseTo(9.25e-5, 15);
    expect(lr(12)).toBeCloseTo(1e-4, 15);
    expect(lr(69)).toBeCloseTo(1e-4, 15);
    expect(lr(70)).toBeCloseTo(3.3e-5, 15);
    expect(lr(89)).toBeCloseTo(3.3e-5, 15);
    expect(lr(90)).toBeCloseTo(1.089e-5, 15);
    expect(lr(99)).toBeCloseTo(1.089e-5, 15);
  });

  it('scales to shorter runs and equals the paper schedule at 100 sub-epochs', () => {
    expect(scaledSchedule(100)).toEqual(PAPER_PRESET.train.schedule);
    expect(scaledSchedule(8)).toEqual({ warmupStartFactor: 0.1, warmupSubEpochs: 1, milestones: [6, 7], gamma: 0.33 });
  });
});

describe('optimizer pieces', () => {
  it('Adam follows PyTorch for two steps', () => {
    const adam = new Adam([[2]], { betas: [0.9, 0.999], eps: 1e-8 });
    const p0 = tensor([1, -2], [2]);
    const g1 = tensor([0.5, -0.1], [2]);
    const [p1] = adam.update([p0], [g1], 0.1);
    // Step 1: m̂ = g, v̂ = g², update = lr·g/(|g| + eps) ≈ lr·sign(g).
    const d1 = p1.dataSync();
    expect(d1[0]).toBeCloseTo(1 - 0.1 * (0.5 / (0.5 + 1e-8)), 6);
    expect(d1[1]).toBeCloseTo(-2 + 0.1 * (0.1 / (0.1 + 1e-8)), 6);
    const g2 = tensor([0.2, 0.3], [2]);
    const [p2] = adam.update([p1], [g2], 0.1);
    const m = [0.9 * 0.05 + 0.1 * 0.2, 0.9 * -0.01 + 0.1 * 0.3];
    const v = [0.999 * 0.00025 + 0.001 * 0.04, 0.999 * 0.00001 + 0.001 * 0.09];
    const want = m.map((mi, i) => d1[i] - (0.1 / (1 - 0.81)) * (mi / (Math.sqrt(v[i]) / Math.sqrt(1 - 0.999 ** 2) + 1e-8)));
    Array.from(p2.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(want[i], 6));
    expect(adam.step).toBe(2);
    dispose([p0, g1, p1, g2, p2]);
    adam.dispose();
  });

  it('clips the global gradient norm to 2 and leaves small gradients alone', () => {
    const big = [tensor([3, 0], [2]), tensor([4], [1])];
    const { grads, norm } = clipByGlobalNorm(big, 2);
    expect(norm.dataSync()[0]).toBeCloseTo(5, 12);
    const scaled = grads.flatMap((g) => Array.from(g.dataSync()));
    expect(Math.hypot(...scaled)).toBeCloseTo(2, 5);
    const small = [tensor([0.3, 0.4], [2])];
    const r = clipByGlobalNorm(small, 2);
    // coef = min(1, 2 / (0.5 + 1e-6)) = 1: unchanged.
    expect(Array.from(r.grads[0].dataSync())).toEqual([expect.closeTo(0.3, 6), expect.closeTo(0.4, 6)]);
    dispose([big, grads, norm, small, r]);
  });

  it('tracks last and best metrics separately, per metric', () => {
    let m = emptyMetrics();
    m = recordEpoch(m, { metaEpoch: 0, loss: 1, lossPerDim: 0.1, metrics: { det: 0.9, loc: 0.8, err: 3 } }, ['err']);
    m = recordEpoch(m, { metaEpoch: 1, loss: 1, lossPerDim: 0.1, metrics: { det: 0.95, loc: 0.7, err: 2 } }, ['err']);
    m = recordEpoch(m, { metaEpoch: 2, loss: 1, lossPerDim: 0.1, metrics: { det: 0.93, loc: NaN, err: 4 } }, ['err']);
    expect(m.last?.metaEpoch).toBe(2);
    expect(m.best).toEqual({ det: { value: 0.95, metaEpoch: 1 }, loc: { value: 0.8, metaEpoch: 0 }, err: { value: 2, metaEpoch: 1 } });
    expect(m.history).toHaveLength(3);
  });
});

describe('Trainer', () => {
  const config = tinyConfig();
  const features = randomFeatureSet(config, 4, 21);

  it('lowers the loss, emits progress in order, evaluates each meta-epoch and keeps memory flat', async () => {
    const model = MSFlowModel.create(config);
    const trainer = new Trainer(model);
    const events: TrainEvent[] = [];
    const live: number[] = [];
    let evals = 0;
    const result = await trainer.run(features, {
      onProgress: (e) => {
        events.push(e);
        if (e.type === 'step') live.push(engine.numTensors());
      },
      evaluate: (m, metaEpoch) => {
        expect(m).toBe(model);
        evals++;
        return { score: metaEpoch === 0 ? 0.5 : 0.4 };
      },
    });
    expect(result.status).toBe('completed');
    const steps = events.filter((e) => e.type === 'step');
    // 2 meta-epochs × 2 sub-epochs × ⌈4 / 2⌉ batches.
    expect(steps).toHaveLength(8);
    expect(result.steps).toBe(8);
    expect(new Set(live).size).toBe(1);
    expect(events.map((e) => e.type).join(',')).toBe(
      'step,step,subEpoch,step,step,subEpoch,evaluation,step,step,subEpoch,step,step,subEpoch,evaluation',
    );
    expect(evals).toBe(2);
    const losses = steps.map((e) => (e.type === 'step' ? e.loss : 0));
    expect(losses[7]).toBeLessThan(losses[0]);
    const first = steps[0];
    if (first.type === 'step') {
      expect(first.lossPerDim).toBeCloseTo(first.loss / (4 * 16 + 8 * 4 + 8 * 4), 12);
      expect(first.lr).toBeCloseTo(1e-4, 12); // warm-up factor 0.1 at sub-epoch 0
      expect(first.gradNorm).toBeGreaterThan(0);
    }
    expect(result.metrics.last?.metrics).toEqual({ score: 0.4 });
    expect(result.metrics.best.score).toEqual({ value: 0.5, metaEpoch: 0 });
    expect(result.metrics.history.map((h) => h.metaEpoch)).toEqual([0, 1]);
    expect(trainer.finished).toBe(true);
    trainer.dispose();
    model.dispose();
  });

  it('stops at a step boundary when cancelled and continues to the same end', async () => {
    const run = async (abortAt: number | null) => {
      const model = MSFlowModel.create(config);
      const trainer = new Trainer(model);
      const controller = new AbortController();
      const first = await trainer.run(features, {
        signal: controller.signal,
        onProgress: (e) => {
          if (e.type === 'step' && e.step === abortAt) controller.abort();
        },
      });
      let second = first;
      if (abortAt !== null) {
        expect(first.status).toBe('cancelled');
        expect(trainer.state.step).toBe(abortAt);
        second = await trainer.run(features);
      }
      expect(second.status).toBe('completed');
      const w = Array.from(model.params.get('parallel.0.0.subnet.conv2.weight')!.dataSync());
      trainer.dispose();
      model.dispose();
      return w;
    };
    expect(await run(3)).toEqual(await run(null));
  });

  it('refuses to run twice at once or to resume a sub-epoch on a different image set', async () => {
    const model = MSFlowModel.create(config);
    const trainer = new Trainer(model);
    const controller = new AbortController();
    const first = trainer.run(features, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(trainer.run(features)).rejects.toThrow(/already running/);
    expect((await first).status).toBe('cancelled');
    expect(trainer.state.batch).toBe(1);
    await expect(trainer.run(randomFeatureSet(config, 6, 2))).rejects.toThrow(/same 4 training images, got 6/);
    trainer.dispose();
    model.dispose();
  });

  it('refuses features with the wrong channels and stops on a non-finite loss', async () => {
    const model = MSFlowModel.create(config);
    const trainer = new Trainer(model);
    await expect(trainer.run(randomFeatureSet({ ...config, channels: [4, 8, 6] }, 2, 1))).rejects.toThrow(/channels \[4,8,6\], the model expects \[4,8,8\]/);
    const bad = randomFeatureSet(config, 2, 1);
    bad.scales[0].data[0] = NaN;
    const before = Array.from(model.params.get('fusion.phi1.s0.bias')!.dataSync());
    await expect(trainer.run(bad)).rejects.toThrow(TrainingError);
    expect(Array.from(model.params.get('fusion.phi1.s0.bias')!.dataSync())).toEqual(before);
    trainer.dispose();
    model.dispose();
  });
});
