import { describe, expect, it } from 'vitest';
import type { Backend } from '@msflow/core';
import { randomFeatureSet, recordTraining, tinyMSFlowConfig } from '@msflow/core/testing';
import { createTfjsBackend } from '@msflow/backend-tfjs';
import { createWebgpuBackend } from '../src/index.js';
import { gpuUnavailable } from './gpu.js';

// A short MSFlow training run (tiny model, same seed, same synthetic features) on webgpu and on
// tfjs must end with the same weights to 1e-3 relative: the whole training loop (flows, log-det,
// NLL, autodiff through convolutions, Adam) runs unchanged on the WGSL kernels.
const reason = await gpuUnavailable();

const config = tinyMSFlowConfig();
const features = randomFeatureSet(config, 4, 21);

async function train(backend: Backend): Promise<{ weights: Map<string, Float32Array>; losses: number[] }> {
  const run = await recordTraining(backend, config, features);
  expect(run.status).toBe('completed');
  return { weights: run.params, losses: run.losses };
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
