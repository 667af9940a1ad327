// Compiled programs: trace once, run many times; batch-generic models; static fallback; runOnnx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { div, mul, reshape, setBackend, sum, tensor, tidy, type Tensor } from '@msflow/core';
import { compileOnnx, createOnnxEagerBackend, runOnnx, traceGraph, type OnnxBackend } from '../src/index.js';
import { maxAbsDiff, randn, smallNet } from './helpers.js';

let backend: OnnxBackend;
beforeAll(() => {
  backend = createOnnxEagerBackend();
  setBackend(backend);
});
afterAll(() => backend.dispose());

/** The same function run kernel by kernel on the eager backend. */
async function eager(fn: (x: Tensor) => Record<string, Tensor>, data: Float32Array, shape: number[]): Promise<Float32Array[]> {
  const outs = tidy(() => Object.values(fn(tensor(data, shape))));
  const values = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
  outs.forEach((t) => t.dispose());
  return values;
}

describe('compileOnnx', () => {
  it('one batch-generic model serves every batch size and matches eager execution', async () => {
    const net = smallNet();
    const f = compileOnnx(net, { inputs: [{ name: 'x', shape: [-1, 8, 8, 4] }] });
    for (const n of [1, 3, 5]) {
      const x = randn(n * 8 * 8 * 4, 10 + n);
      const [features, pooled] = await f.run([{ data: x, shape: [n, 8, 8, 4] }]);
      expect(features.shape).toEqual([n, 4, 4, 8]);
      expect(pooled.shape).toEqual([n, 8]);
      const [wantF, wantP] = await eager(net, x, [n, 8, 8, 4]);
      expect(maxAbsDiff(features.data, wantF)).toBeLessThan(1e-4);
      expect(maxAbsDiff(pooled.data, wantP)).toBeLessThan(1e-4);
    }
    expect(f.stats).toEqual({ models: 1, runs: 3 });
    const { model } = await f.program([[1, 8, 8, 4]]);
    expect(model.dynamicBatch).toBe(true);
    expect(model.outputDims).toEqual([['N', 4, 4, 8], ['N', 8]]);
    // 8 transposes traced (in/out of 2 convs and the pool, 2 filters): the 4 inner layout ones
    // cancel, the 2 filter ones become pre-transposed initializers, entry and exit remain.
    expect(model.transposesFolded).toBe(4);
    expect(model.graph.nodes.filter((n) => n.opType === 'Transpose')).toHaveLength(2);
    await f.dispose();
  });

  it('takes bare Float32Arrays, inferring the batch size from their length', async () => {
    const f = compileOnnx((x) => mul(x, 2), { inputs: [{ shape: [-1, 3] }] });
    const [y] = await f.run([Float32Array.of(1, 2, 3, 4, 5, 6)]);
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.data)).toEqual([2, 4, 6, 8, 10, 12]);
    await expect(f.run([Float32Array.of(1, 2)])).rejects.toThrow(/expected shape \[N,3\]/);
  });

  it('turns batch-scaled reshapes and fills into run-time shapes', async () => {
    const fn = (x: Tensor) => {
      const [n, h, w, c] = x.shape;
      const rows = reshape(x, [n * h, w * c]); // two batch-free dims, one batch-scaled
      return reshape(mul(rows, tensor(new Array(n * h * w * c).fill(3), [n * h, w * c])), [n, h * w * c]);
    };
    const f = compileOnnx(fn, { inputs: [{ shape: [-1, 2, 2, 2] }] });
    const x = randn(4 * 8, 5);
    const [y] = await f.run([{ data: x, shape: [4, 2, 2, 2] }]);
    expect(y.shape).toEqual([4, 8]);
    expect(maxAbsDiff(y.data, x.map((v) => 3 * v))).toBeLessThan(1e-6);
    expect(f.stats.staticReason).toBeUndefined();
    expect((await f.program([[4, 2, 2, 2]])).model.outputDims).toEqual([['N', 8]]);
  });

  it('falls back to one model per shape when a constant depends on the batch size', async () => {
    const f = compileOnnx((x) => div(sum(x, [0]), x.shape[0]), { inputs: [{ shape: [-1, 2] }] });
    const [a] = await f.run([Float32Array.of(1, 2, 3, 4)]);
    const [b] = await f.run([Float32Array.of(1, 2, 3, 4, 5, 6)]);
    expect(Array.from(a.data)).toEqual([2, 3]);
    expect(Array.from(b.data)).toEqual([3, 4]);
    expect(f.stats.models).toBe(2);
    expect(f.stats.staticReason).toMatch(/depends on the batch size/);
  });

  it('traces nothing until the first run and then never again', async () => {
    let traces = 0;
    const f = compileOnnx((x) => {
      traces++;
      return mul(x, x);
    }, { inputs: [{ shape: [-1] }], session: { intraOpNumThreads: 1, graphOptimizationLevel: 'basic' } });
    expect(traces).toBe(0);
    for (let i = 0; i < 4; i++) await f.run([Float32Array.of(i, 2)]);
    expect(traces).toBe(2); // the two probe batch sizes
  });

  it('static specs trace at the given shapes', async () => {
    const f = compileOnnx((a, b) => ({ s: sum(mul(a, b)) }), { inputs: [{ shape: [2, 2] }, { shape: [2] }] });
    const [s] = await f.run([Float32Array.of(1, 2, 3, 4), Float32Array.of(10, 100)]);
    expect(s.shape).toEqual([]);
    expect(s.data[0]).toBe(10 + 200 + 30 + 400);
    const named = await f.runNamed([Float32Array.of(1, 1, 1, 1), Float32Array.of(1, 1)]);
    expect(named.s.data[0]).toBe(4);
  });

  it('propagates errors from the traced function', async () => {
    const f = compileOnnx(() => {
      throw new Error('boom');
    }, { inputs: [{ shape: [2] }] });
    await expect(f.run([Float32Array.of(1, 2)])).rejects.toThrow('boom');
  });

  it('rejects traced tensors used outside their trace', () => {
    let leaked: Tensor | undefined;
    traceGraph(backend, (x) => {
      leaked = x;
      return mul(x, 2);
    }, [{ name: 'x', shape: [2] }]);
    expect(() => mul(leaked!, 2)).toThrow(/outside its trace/);
  });
});

describe('runOnnx', () => {
  it('compiles on first use per function and input shapes, then reuses', async () => {
    let traces = 0;
    const fn = (x: Tensor) => {
      traces++;
      return mul(x, 3);
    };
    const [a] = await runOnnx(fn, [{ data: Float32Array.of(1, 2), shape: [1, 2] }]);
    const [b] = await runOnnx(fn, [{ data: Float32Array.of(1, 2, 3, 4), shape: [2, 2] }]);
    expect(Array.from(a.data)).toEqual([3, 6]);
    expect(Array.from(b.data)).toEqual([3, 6, 9, 12]);
    expect(traces).toBe(2);
    await runOnnx(fn, [{ data: Float32Array.of(1, 2, 3), shape: [1, 3] }]);
    expect(traces).toBe(4);
  });
});
