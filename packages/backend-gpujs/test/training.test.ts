import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '@msflow/core';
import { randomFeatureSet, recordTraining, relativeError, tinyMSFlowConfig, type RecordedTraining } from '@msflow/core/testing';
import { createTfjsBackend } from '@msflow/backend-tfjs';
import { createGpujsBackend, type GpujsBackend } from '../src/index.js';

/**
 * A short MSFlow training run on gpujs against the same run on tfjs: same tiny model (channels
 * [4, 8, 8], the core tests' tiny config), same seed and features, 8 Adam steps through the
 * whole model (convolutions, fusion, layer norms, flows). Both are float32; what differs is
 * summation order and libm, so results must agree to 1e-3 relative.
 */
const RELATIVE = 1e-3;

async function train(backend: Backend): Promise<RecordedTraining> {
  const config = tinyMSFlowConfig();
  const run = await recordTraining(backend, config, randomFeatureSet(config, 4, 21));
  expect(run.status).toBe('completed');
  return run;
}

describe('MSFlow training on gpujs matches tfjs', () => {
  let gpujs: GpujsBackend;
  let tfjs: Backend;
  let onGpujs: RecordedTraining;
  let onTfjs: RecordedTraining;

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
