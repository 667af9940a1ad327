// The conformance cases again, each traced into a graph and run by one onnxruntime session at the
// full optimisation level (where onnxruntime fuses and rewrites): forward kernels against the
// float64 reference, and, since core autodiff only calls kernels, whole traced gradient programs
// (forward + backward in one graph) against float64 finite differences.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Rng, engine, mul, sum, valueAndGrads, type KernelName, type Tensor } from '@msflow/core';
import {
  assertClose,
  assertShape,
  forwardCases,
  gradientCases,
  kernelSeed,
  numericGradient,
  randomArray,
  runReference,
  weightedSum,
  sumTolerance,
  FD_EPSILON,
  type RefArray,
} from '@msflow/core/testing';
import { buildStaticModel, createOnnxEagerBackend, createSession, runSession, type OnnxBackend } from '../src/index.js';

let backend: OnnxBackend;
beforeAll(() => {
  backend = createOnnxEagerBackend();
});
afterAll(() => backend.dispose());

const f32 = (a: RefArray) => ({ data: Float32Array.from(a.data), shape: [...a.shape] });

/** Traces `fn` at the inputs' shapes, runs it once at optimisation level `all`. */
async function traceAndRun(fn: (...xs: Tensor[]) => Tensor[], inputs: readonly RefArray[]) {
  const names = inputs.map((_, i) => `x${i}`);
  const model = await buildStaticModel(backend, fn, names, inputs.map((a) => a.shape));
  const session = await createSession(model.bytes, { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
  try {
    return await runSession(session, inputs.map(f32));
  } finally {
    await session.release();
  }
}

describe('traced forward kernels (one graph each, optimisation level all)', () => {
  for (const c of forwardCases()) {
    it(c.id, async () => {
      const want = runReference(c.kernel, c.inputs, c.attrs);
      const [y] = await traceAndRun((...xs) => [engine.runKernel(c.kernel as KernelName, xs, c.attrs as never)], c.inputs);
      assertShape(y.shape, want.shape, c.id);
      assertClose(y.data, want.data, c.tolerance, c.id);
    });
  }
});

describe('traced gradient programs (forward and core-autodiff backward in one graph)', () => {
  for (const c of gradientCases()) {
    it(c.id, async () => {
      const forward = runReference(c.kernel, c.inputs, c.attrs);
      const r = randomArray(new Rng(kernelSeed(0, c.id)), forward.shape);
      const inputs = [...c.inputs, r];
      const outs = await traceAndRun((...xs) => {
        const rt = xs[xs.length - 1];
        const args = xs.slice(0, -1);
        const { value, grads } = valueAndGrads(() => sum(mul(engine.runKernel(c.kernel, args, c.attrs as never), rt)), c.wrt.map((i) => args[i]));
        return [value, ...grads];
      }, inputs);
      const loss = (ins: readonly RefArray[]) => weightedSum(runReference(c.kernel, ins, c.attrs).data, r.data);
      const peak = forward.data.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
      assertClose(outs[0].data, [loss(c.inputs)], sumTolerance(r.data.length, peak), `${c.id} value`);
      const probe = c.inputs.map((a) => ({ shape: [...a.shape], data: Float64Array.from(a.data) }));
      for (const [k, i] of c.wrt.entries()) {
        assertShape(outs[k + 1].shape, c.inputs[i].shape, `${c.id} d/d${i}`);
        assertClose(outs[k + 1].data, numericGradient(loss, probe, i, FD_EPSILON), c.tolerance, `${c.id} d/d${i}`);
      }
    });
  }
});
