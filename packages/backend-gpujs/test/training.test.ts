import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MSFlowModel,
  presetConfig,
  Rng,
  setBackend,
  Trainer,
  type Backend,
  type FeatureSet,
  type MSFlowConfig,
} from '@msflow/core';
import { createTfjsBackend } from '@msflow/backend-tfjs';
import { createGpujsBackend, type GpujsBackend } from '../src/index.js';

/**
 * A short MSFlow training run on gpujs against the same run on tfjs: same tiny model (channels
 * [4, 8, 8], the core tests' tiny config), same seed and features, 8 Adam steps through the
 * whole model (convolutions, fusion, layer norms, flows). Both are float32; what differs is
 * summation order and libm, so results must agree to 1e-3 relative.
 */
const RELATIVE = 1e-3;

function tinyConfig(): MSFlowConfig {
  return presetConfig('cpu', {
    channels: [4, 8, 8],
    blocks: [2, 1, 1],
    condChannels: 4,
    inputSize: [16, 16],
    seed: 7,
    train: { metaEpochs: 2, subEpochs: 2, batchSize: 2, lr: 1e-3, schedule: { warmupSubEpochs: 1, milestones: [3] } },
  });
}

/** N(0, 1) features for `count` images: 4x4, 2x2 and 2x2 maps with the config's channels. */
function features(config: MSFlowConfig, count: number, seed: number): FeatureSet {
  const sizes = [[4, 4], [2, 2], [2, 2]];
  const rng = new Rng(seed);
  return {
    count,
    scales: config.channels.map((c, l) => {
      const [h, w] = sizes[l];
      return { shape: [h, w, c] as [number, number, number], data: rng.normalArray(count * h * w * c, 1) };
    }),
  };
}

interface RunResult {
  losses: number[];
  gradNorms: number[];
  params: Map<string, Float32Array>;
}

async function train(backend: Backend): Promise<RunResult> {
  setBackend(backend);
  const config = tinyConfig();
  const model = MSFlowModel.create(config);
  const trainer = new Trainer(model);
  const losses: number[] = [];
  const gradNorms: number[] = [];
  const result = await trainer.run(features(config, 4, 21), {
    onProgress: (e) => {
      if (e.type === 'step') {
        losses.push(e.loss);
        gradNorms.push(e.gradNorm);
      }
    },
  });
  expect(result.status).toBe('completed');
  const params = new Map([...model.params].map(([name, t]) => [name, Float32Array.from(t.dataSync())]));
  trainer.dispose();
  model.dispose();
  return { losses, gradNorms, params };
}

/** ‖a - b‖ / ‖b‖ (the whole tensor, so near-zero entries do not blow the ratio up). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
}

describe('MSFlow training on gpujs matches tfjs', () => {
  let gpujs: GpujsBackend;
  let tfjs: Backend;
  let onGpujs: RunResult;
  let onTfjs: RunResult;

  beforeAll(async () => {
    tfjs = await createTfjsBackend();
    gpujs = await createGpujsBackend();
    onTfjs = await train(tfjs);
    onGpujs = await train(gpujs);
  });
  afterAll(() => {
    gpujs?.dispose();
    tfjs?.dispose();
  });

  it('runs the whole training on gpu.js kernels, none degraded to gpu.js cpu', () => {
    expect(gpujs.runner.calls).toBeGreaterThan(100);
    expect([...gpujs.runner.fallbacks.keys()]).toEqual([]);
    expect(gpujs.cacheStats().hits).toBeGreaterThan(gpujs.cacheStats().compiled);
  });

  it('has the same loss and gradient norm at every step (1e-3 relative)', () => {
    expect(onGpujs.losses).toHaveLength(8);
    expect(onTfjs.losses).toHaveLength(8);
    // The loss must move, or matching losses would prove little.
    expect(Math.abs(onTfjs.losses[7] - onTfjs.losses[0])).toBeGreaterThan(10 * RELATIVE * Math.abs(onTfjs.losses[0]));
    onGpujs.losses.forEach((l, i) => expect(Math.abs(l - onTfjs.losses[i])).toBeLessThanOrEqual(RELATIVE * Math.abs(onTfjs.losses[i])));
    onGpujs.gradNorms.forEach((g, i) => expect(Math.abs(g - onTfjs.gradNorms[i])).toBeLessThanOrEqual(RELATIVE * onTfjs.gradNorms[i]));
  });

  it('ends with the same parameters (1e-3 relative per tensor)', () => {
    expect([...onGpujs.params.keys()]).toEqual([...onTfjs.params.keys()]);
    const worst = [...onTfjs.params].map(([name, want]) => [name, relativeError(onGpujs.params.get(name)!, want)] as const);
    for (const [name, err] of worst) expect(err, name).toBeLessThanOrEqual(RELATIVE);
  });
});
