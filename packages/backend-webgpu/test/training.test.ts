import { describe, expect, it } from 'vitest';
import { MSFlowModel, presetConfig, Rng, setBackend, Trainer, type Backend, type FeatureSet, type MSFlowConfig } from '@msflow/core';
import { createTfjsBackend } from '@msflow/backend-tfjs';
import { createWebgpuBackend } from '../src/index.js';
import { gpuUnavailable } from './gpu.js';

// A short MSFlow training run (tiny model, same seed, same synthetic features) on webgpu and on
// tfjs must end with the same weights to 1e-3 relative: the whole training loop (flows, log-det,
// NLL, autodiff through convolutions, Adam) runs unchanged on the WGSL kernels.
const reason = await gpuUnavailable();

const config: MSFlowConfig = presetConfig('cpu', {
  channels: [4, 8, 8],
  blocks: [2, 1, 1],
  condChannels: 4,
  inputSize: [16, 16],
  seed: 7,
  train: { metaEpochs: 2, subEpochs: 2, batchSize: 2, lr: 1e-3, schedule: { warmupSubEpochs: 1, milestones: [3] } },
});

/** N(0, 1) features of 4 images at 4x4, 2x2 and 2x2. */
function features(): FeatureSet {
  const rng = new Rng(21);
  const sizes: [number, number][] = [[4, 4], [2, 2], [2, 2]];
  return {
    count: 4,
    scales: config.channels.map((c, l) => ({ shape: [sizes[l][0], sizes[l][1], c] as [number, number, number], data: rng.normalArray(4 * sizes[l][0] * sizes[l][1] * c, 1) })),
  };
}

async function train(backend: Backend): Promise<{ weights: Map<string, Float32Array>; losses: number[] }> {
  setBackend(backend);
  const model = MSFlowModel.create(config);
  const losses: number[] = [];
  const result = await new Trainer(model).run(features(), { onProgress: (e) => {
    if (e.type === 'step') losses.push(e.loss);
  } });
  expect(result.status).toBe('completed');
  const weights = new Map<string, Float32Array>();
  for (const [name, t] of model.params) weights.set(name, Float32Array.from(await t.data()));
  model.dispose();
  return { weights, losses };
}

describe.skipIf(reason !== null)('MSFlow training on webgpu', () => {
  it('ends with the weights of the same run on tfjs (1e-3 relative)', async () => {
    const tf = await createTfjsBackend({ prefer: ['cpu'] });
    const want = await train(tf);
    const gpu = await createWebgpuBackend();
    const got = await train(gpu);
    expect(got.losses).toHaveLength(8);
    expect(got.weights.size).toBe(want.weights.size);
    let worst = { name: '', rel: 0 };
    for (const [name, w] of want.weights) {
      const g = got.weights.get(name)!;
      const scale = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
      const diff = w.reduce((m, v, i) => Math.max(m, Math.abs(v - g[i])), 0);
      if (diff / scale > worst.rel) worst = { name, rel: diff / scale };
    }
    console.log(`[webgpu training] losses webgpu ${got.losses.map((l) => l.toFixed(4)).join(' ')}; tfjs ${want.losses.map((l) => l.toFixed(4)).join(' ')}; ` +
      `worst weight difference ${worst.rel.toExponential(2)} relative (${worst.name})`);
    expect(worst.rel).toBeLessThanOrEqual(1e-3);
    // Training moved the weights (the comparison is not between two initialisations).
    expect(want.losses[7]).toBeLessThan(want.losses[0]);
    gpu.dispose();
    tf.dispose();
  });
});
