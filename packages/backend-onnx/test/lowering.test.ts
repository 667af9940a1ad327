// Hand-computed values for the lowerings where ONNX and PyTorch semantics could part ways.
import { beforeAll, describe, expect, it } from 'vitest';
import { conv2d, engine, interpolationMatrix, layerNorm, resizeBilinear, setBackend, tensor, topKMean, scatterAdd, step, type Tensor } from '@msflow/core';
import { createOnnxEagerBackend, type OnnxBackend } from '../src/index.js';

let backend: OnnxBackend;
beforeAll(() => {
  backend = createOnnxEagerBackend();
  setBackend(backend);
});

const values = async (t: Tensor) => Array.from(await t.data());
const ramp = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('onnx lowerings against hand values', () => {
  it('Conv2D 3x3 of ones with zero padding sums each neighbourhood', async () => {
    const x = tensor(ramp(16), [1, 4, 4, 1]);
    const y = conv2d(x, tensor(new Array(9).fill(1), [3, 3, 1, 1]), { padding: 1 });
    expect(await values(y)).toEqual([10, 18, 24, 18, 27, 45, 54, 39, 51, 81, 90, 63, 42, 66, 72, 50]);
  });

  it('ResizeBilinear to one pixel follows PyTorch (centre, not the corner of pytorch_half_pixel)', async () => {
    // src row = 0.5*4 - 0.5 = 1.5, src col = 0.5*3 - 0.5 = 1: value 1.5*3 + 1.
    const x = tensor(ramp(12), [1, 4, 3, 1]);
    expect(await values(resizeBilinear(x, [1, 1], false))).toEqual([5.5]);
    expect(await values(resizeBilinear(x, [1, 1], true))).toEqual([0]);
  });

  it('ResizeBilinear x2 upsampling clamps source coordinates at the border', async () => {
    const y = resizeBilinear(tensor([0, 4], [1, 1, 2, 1]), [1, 4], false);
    expect(await values(y)).toEqual([0, 1, 3, 4]);
  });

  it('interpolationMatrix rows sum to one and match the half-pixel taps', () => {
    const m = interpolationMatrix(2, 4, false);
    expect(Array.from(m)).toEqual([1, 0, 0.75, 0.25, 0.25, 0.75, 0, 1]);
  });

  it('TopKMean averages the k largest of the last axis', async () => {
    expect(await values(topKMean(tensor([1, 5, 3, 4, 0, -1, -2, -3], [2, 4]), 2))).toEqual([4.5, -0.5]);
  });

  it('ScatterAdd sums repeated indices', async () => {
    const y = scatterAdd(tensor([1, 2, 3, 10, 20, 30], [2, 3]), [2, 0, 2], 1, 4);
    expect(await values(y)).toEqual([2, 0, 4, 0, 20, 0, 40, 0]);
  });

  it('Step is 0 at 0 and for NaN', async () => {
    expect(await values(step(tensor([-1, 0, 2, NaN], [4])))).toEqual([0, 0, 1, 0]);
  });

  it('LayerNorm keeps its accuracy when |mean| >> std', async () => {
    const c = 64;
    const xs = Float32Array.from({ length: c }, (_, i) => 1000 + 0.25 * Math.sin(i * 1.7));
    const got = await layerNorm(tensor(xs, [1, c]), tensor(new Array(c).fill(1), [c]), tensor(new Array(c).fill(0), [c]), 1e-6).data();
    const mean = xs.reduce((p, q) => p + q, 0) / c;
    const std = Math.sqrt(xs.reduce((p, q) => p + (q - mean) ** 2, 0) / c + 1e-6);
    xs.forEach((v, i) => expect(Math.abs(got[i] - (v - mean) / std)).toBeLessThan(1e-3));
  });

  it('reports kernel errors on read, and leaves no tensors behind', async () => {
    const before = engine.numTensors();
    const y = engine.runKernel('Exp', [tensor([1], [1])], {});
    expect((await y.data())[0]).toBeCloseTo(Math.E, 5);
    y.dispose();
    expect(engine.numTensors()).toBe(before + 1); // the input, still owned by the test scope
    await expect(backend.read({}, [1])).rejects.toThrow(/belongs to another backend/);
  });
});
