import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, resolveBackend, setBackend } from '@msflow/core';
import { registerTfjsBackend } from '@msflow/backend-tfjs';
import { absDiff, parityEntries, runModelStages, sharedCheckpoint } from '../src/model_bench.js';
import { modelPlan } from '../src/run.js';

describe('parity arithmetic', () => {
  it('reports max and mean absolute differences, NaN as NaN', () => {
    expect(absDiff(Float32Array.of(1, 2, 3), Float32Array.of(1, 2.5, 2))).toEqual([1, 0.5]);
    expect(absDiff(Float32Array.of(NaN), Float32Array.of(0))).toEqual([NaN, NaN]);
    expect(() => absDiff(Float32Array.of(1), Float32Array.of(1, 2))).toThrow(/1 and 2 values/);
  });

  it('compares every backend with the reference at each size', () => {
    const out = (v: number) => new Map([[64, { map: Float32Array.of(v, v), scores: Float32Array.of(v) }]]);
    const p = parityEntries(new Map([['a', out(1)], ['b', out(1.5)]]), 'a');
    expect(p).toEqual([{ backend: 'b', reference: 'a', size: 64, maxAbsMap: 0.5, meanAbsMap: 0.5, maxAbsScore: 0.5, meanAbsScore: 0.5 }]);
  });
});

describe('model stages on tfjs', () => {
  beforeAll(async () => {
    registerTfjsBackend();
    setBackend(await resolveBackend(['tfjs-wasm', 'tfjs-cpu']));
  });
  afterAll(() => getBackend().dispose());

  it('times features, flows, a train step and inference, and keeps the parity output', async () => {
    const plan = { ...modelPlan(true), batches: [1], reps: { warmup: 1, reps: 1, budgetMs: 1 } };
    const ckpt = await sharedCheckpoint(plan, 64);
    const run = await runModelStages('tfjs', new Map([[64, ckpt]]), plan, () => {});
    expect(run.entries.map((e) => e.name)).toEqual(['features 64px batch 1', 'flows 64px batch 1', 'trainStep 64px batch 1', 'inference 64px batch 1']);
    for (const e of run.entries) expect(e.imagesPerSecond).toBeGreaterThan(0);
    const out = run.outputs.get(64)!;
    expect(out.map).toHaveLength(64 * 64);
    expect(out.scores).toHaveLength(1);
    expect(Number.isFinite(out.scores[0])).toBe(true);
  }, 120_000);
});
