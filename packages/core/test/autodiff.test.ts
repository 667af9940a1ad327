// Core autodiff through composite functions, against float64 central differences of the same
// function on the float64 reference backend.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool, add, clip, concat, conv2d, engine, exp, gather, GRADIENTS, grad, KERNEL_NAMES, layerNorm, matmul, mean, max, mul,
  NON_DIFFERENTIABLE, pad, relu, reshape, resizeBilinear, slice, softplusBeta, sum, tanh, tensor, tidy, transpose, valueAndGrads,
  dispose, avgPool, maxPool, type Tensor,
} from '@msflow/core';
import {
  FLOAT64_GRADIENT, assertClose, distinctArray, numericGradient, randomArray, refConv2D, refAvgPool, useReferenceBackend, type RefArray,
} from '@msflow/core/testing';
import { Rng } from '@msflow/core';

const upload = (a: RefArray): Tensor => tensor(Float64Array.from(a.data), a.shape);

/** Evaluates scalar `f` on fresh tensors in a scope and returns its value. */
function evaluate(f: (...xs: Tensor[]) => Tensor, inputs: readonly RefArray[]): number {
  const y = tidy(() => f(...inputs.map(upload)));
  const v = y.dataSync()[0];
  y.dispose();
  return v;
}

/** Checks every input's gradient of scalar `f` against finite differences; also checks for leaks. */
function checkGradients(f: (...xs: Tensor[]) => Tensor, inputs: RefArray[], tol = FLOAT64_GRADIENT): void {
  const base = engine.numTensors();
  const xs = inputs.map(upload);
  const { value, grads } = valueAndGrads(() => f(...xs), xs);
  expect(engine.numTensors()).toBe(base + xs.length + 1 + grads.length);
  expect(value.dataSync()[0]).toBeCloseTo(evaluate(f, inputs), 10);
  grads.forEach((g, i) => {
    expect(g.shape).toEqual(inputs[i].shape);
    assertClose(g.dataSync(), numericGradient((ins) => evaluate(f, ins), inputs, i), tol, `d/dx${i}`);
  });
  dispose([value, grads, xs]);
  expect(engine.numTensors()).toBe(base);
}

/** Σ y·R for a fixed random R shaped like y: a scalar whose gradient exercises every element. */
function weighted(y: Tensor, seed = 99): Tensor {
  return sum(mul(y, upload(randomArray(new Rng(seed), y.shape))));
}

const rng = new Rng(2024);
beforeAll(() => {
  useReferenceBackend();
});

describe('autodiff through composite functions', () => {
  it('softplusBeta for beta = 1, 2 and 0.5', () => {
    for (const beta of [1, 2, 0.5]) checkGradients((x) => weighted(softplusBeta(x, beta)), [randomArray(rng, [3, 5], { lo: -8, hi: 8 })]);
  });

  it('clip (away from its kinks)', () => {
    checkGradients((x) => weighted(clip(x, -0.5, 0.75)), [randomArray(rng, [4, 6], { lo: -1.5, hi: 1.5, avoid: [-0.5, 0.75] })]);
  });

  it('layer norm of an affine map, with respect to input, weights, gamma and beta', () => {
    const f = (x: Tensor, w: Tensor, g: Tensor, b: Tensor) => weighted(layerNorm(matmul(x, w), g, b, 1e-5));
    checkGradients(f, [randomArray(rng, [5, 4]), randomArray(rng, [4, 6]), randomArray(rng, [6], { lo: 0.5, hi: 2 }), randomArray(rng, [6])]);
  });

  it('conv2d with reflect padding, stride 2 and bias (gradient flows through Gather)', () => {
    const f = (x: Tensor, w: Tensor, b: Tensor) => weighted(conv2d(x, w, { bias: b, padding: [2, 1, 1, 2], padMode: 'reflect', stride: 2 }));
    checkGradients(f, [randomArray(rng, [2, 6, 5, 3]), randomArray(rng, [3, 3, 3, 4]), randomArray(rng, [4])]);
  });

  it('adaptive average pooling, divisible and non-divisible sizes', () => {
    checkGradients((x) => weighted(adaptiveAvgPool(x, [3, 2])), [randomArray(rng, [2, 7, 5, 3])]);
    checkGradients((x) => weighted(adaptiveAvgPool(x, [2, 3])), [randomArray(rng, [1, 4, 6, 2])]);
  });

  it('gather with repeated indices, concat, slice, transpose and reshape', () => {
    const f = (x: Tensor) => {
      const parts = concat([slice(x, [0, 0, 1], [2, 3, 2]), gather(x, [2, 0, 2, 2], 2)], 2);
      return weighted(reshape(transpose(parts, [2, 0, 1]), [-1, 4]));
    };
    checkGradients(f, [randomArray(rng, [2, 3, 3])]);
  });

  it('reflect and constant padding', () => {
    checkGradients((x) => weighted(pad(x, [[1, 2], [2, 0]], 'reflect')), [randomArray(rng, [4, 3])]);
    checkGradients((x) => weighted(pad(x, [[1, 0], [0, 2]], 'constant', 0.5)), [randomArray(rng, [2, 3])]);
  });

  it('an MLP with bias broadcasting, relu, max and mean', () => {
    const f = (x: Tensor, w: Tensor, b: Tensor) => {
      const h = relu(add(matmul(x, w), b));
      return add(mean(max(h, 1)), mul(sum(h), 0.1));
    };
    // Inputs chosen so no pre-activation sits at 0 and row maxima are unique.
    const x = distinctArray(rng, [4, 3], 0.3);
    checkGradients(f, [x, distinctArray(rng, [3, 5], 0.2), distinctArray(rng, [5], 0.05)], { rtol: 1e-5, atol: 1e-6 });
  });

  it('a flow-style affine coupling: tensors used several times', () => {
    const f = (x: Tensor, h: Tensor) => {
      const s = mul(tanh(mul(h, 0.1)), 1.9);
      return add(sum(s), weighted(add(mul(x, exp(s)), h)));
    };
    checkGradients(f, [randomArray(rng, [3, 4]), randomArray(rng, [3, 4], { lo: -5, hi: 5 })]);
  });

  it('bilinear resize chained with average pooling', () => {
    const f = (x: Tensor) => weighted(avgPool(resizeBilinear(x, [7, 5], false), 3, { stride: 2, padding: 1, countIncludePad: false }));
    checkGradients(f, [randomArray(rng, [1, 4, 3, 2])]);
  });

  it('grad() returns the gradient of every argument', () => {
    const df = grad((a, b) => sum(mul(a, b)));
    const [a, b] = [tensor([1, 2], [2]), tensor([3, 4], [2])];
    const [ga, gb] = df(a, b);
    expect(Array.from(ga.dataSync())).toEqual([3, 4]);
    expect(Array.from(gb.dataSync())).toEqual([1, 2]);
    dispose([a, b, ga, gb]);
  });
});

describe('composite forward values', () => {
  it('reflect-padded conv2d equals a conv over an explicitly mirrored input', () => {
    const x = randomArray(rng, [1, 5, 4, 2]);
    const w = randomArray(rng, [3, 3, 2, 3]);
    const [n, h, wd, c] = x.shape;
    const m = (i: number, len: number) => (i < 0 ? -i : i >= len ? 2 * (len - 1) - i : i);
    const padded = { shape: [n, h + 2, wd + 2, c], data: new Float64Array(n * (h + 2) * (wd + 2) * c) };
    for (let y = 0; y < h + 2; y++)
      for (let xx = 0; xx < wd + 2; xx++)
        for (let ch = 0; ch < c; ch++) padded.data[(y * (wd + 2) + xx) * c + ch] = x.data[(m(y - 1, h) * wd + m(xx - 1, wd)) * c + ch];
    const want = refConv2D(padded, w, undefined, { strides: [1, 1], pads: [0, 0, 0, 0], groups: 1 });
    const got = tidy(() => conv2d(upload(x), upload(w), { padding: 1, padMode: 'reflect' }));
    expect(got.shape).toEqual(want.shape);
    assertClose(got.dataSync(), want.data, { rtol: 1e-12, atol: 1e-12 });
    got.dispose();
  });

  it("adaptiveAvgPool matches PyTorch's window formula, and the exact-division path matches AvgPool", () => {
    const x = randomArray(rng, [2, 7, 5, 3]);
    const [oh, ow] = [3, 2];
    const [n, h, w, c] = x.shape;
    const want = new Float64Array(n * oh * ow * c);
    for (let b = 0; b < n; b++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++)
          for (let ch = 0; ch < c; ch++) {
            const [y0, y1] = [Math.floor((i * h) / oh), Math.ceil(((i + 1) * h) / oh)];
            const [x0, x1] = [Math.floor((j * w) / ow), Math.ceil(((j + 1) * w) / ow)];
            let s = 0;
            for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) s += x.data[((b * h + y) * w + xx) * c + ch];
            want[((b * oh + i) * ow + j) * c + ch] = s / ((y1 - y0) * (x1 - x0));
          }
    const got = tidy(() => adaptiveAvgPool(upload(x), [oh, ow]));
    // The pooling matrices are built in float32, so 1/3 and 1/2 carry float32 rounding.
    assertClose(got.dataSync(), want, { rtol: 1e-6, atol: 1e-7 });
    const even = randomArray(rng, [1, 6, 4, 2]);
    const pooled = tidy(() => adaptiveAvgPool(upload(even), [3, 2]));
    assertClose(pooled.dataSync(), refAvgPool(even, { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0], countIncludePad: true }).data, { rtol: 1e-12, atol: 1e-12 });
    dispose([got, pooled]);
  });
});

describe('gradient table', () => {
  it('NON_DIFFERENTIABLE is derived from GRADIENTS, and differentiating through one of them fails naming it', () => {
    expect(KERNEL_NAMES.filter((k) => NON_DIFFERENTIABLE.has(k) === (GRADIENTS[k] !== undefined))).toEqual([]);
    expect(NON_DIFFERENTIABLE.has('MaxPool') && !NON_DIFFERENTIABLE.has('AvgPool')).toBe(true);
    const x = tensor(Float64Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    expect(() => valueAndGrads(() => sum(maxPool(x, 2)), [x])).toThrow(/MaxPool is not differentiable/);
    x.dispose();
  });
});
