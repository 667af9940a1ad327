// Engine behaviour on the reference backend: scopes and deterministic release, leak-free
// autodiff, clear shape errors, and refusing tensors from another backend.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  add, conv2d, dispose, engine, exp, keep, matmul, mul, reshape, ShapeError, sum, tensor, tidy, valueAndGrads, zeros, type Tensor,
} from '@msflow/core';
import { createReferenceBackend, useReferenceBackend } from '@msflow/core/testing';

beforeEach(() => {
  useReferenceBackend();
});

describe('scopes', () => {
  it('tidy frees intermediates and keeps the returned tensor', () => {
    const base = engine.numTensors();
    const x = tensor([1, 2, 3], [3]);
    const y = tidy(() => add(mul(x, x), exp(x)));
    expect(engine.numTensors()).toBe(base + 2);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3].map((v) => v * v + Math.exp(v)));
    dispose([x, y]);
    expect(engine.numTensors()).toBe(base);
  });

  it('tidy keeps tensors returned in arrays, maps and plain objects', () => {
    const base = engine.numTensors();
    const out = tidy(() => {
      const a = zeros([2]);
      const b = add(a, 1);
      const c = add(b, 1);
      add(c, 1); // dropped
      return { list: [a], map: new Map([['b', b]]), nested: { c } };
    });
    expect(engine.numTensors()).toBe(base + 3);
    expect(out.nested.c.isDisposed).toBe(false);
    dispose(out);
    expect(engine.numTensors()).toBe(base);
  });

  it('keep() survives its scope; nested tidy hands results to the parent scope', () => {
    const base = engine.numTensors();
    let kept: Tensor | undefined;
    let inner: Tensor | undefined;
    tidy(() => {
      kept = keep(zeros([1]));
      inner = tidy(() => add(zeros([1]), 2));
      expect(inner.isDisposed).toBe(false);
      return undefined;
    });
    expect(kept!.isDisposed).toBe(false);
    expect(inner!.isDisposed).toBe(true);
    kept!.dispose();
    expect(engine.numTensors()).toBe(base);
  });

  it('tidy frees everything when its function throws, and refuses async functions', () => {
    const base = engine.numTensors();
    expect(() =>
      tidy(() => {
        zeros([3]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(engine.numTensors()).toBe(base);
    expect(() => tidy(() => Promise.resolve(1))).toThrow(/cannot run an async function/);
  });

  it('disposing twice is harmless; using a disposed tensor names it', () => {
    const x = tensor([1], [1]);
    x.dispose();
    x.dispose();
    expect(() => add(x, 1)).toThrow(/tensor #\d+ \[1\] was already disposed/);
    expect(() => x.dataSync()).toThrow(/already disposed/);
  });

  it('the reference backend frees storage with its tensors', () => {
    const backend = useReferenceBackend();
    const x = tensor([1, 2, 3, 4], [2, 2]);
    const y = tidy(() => matmul(x, add(x, 1)));
    expect(backend.memory!()).toEqual({ bytes: 2 * 4 * 8, buffers: 2 });
    dispose([x, y]);
    expect(backend.memory!()).toEqual({ bytes: 0, buffers: 0 });
  });
});

describe('valueAndGrads', () => {
  it('leaves only the value and the gradients alive', () => {
    const base = engine.numTensors();
    const w = tensor([0.5, -1, 2, 0.25], [2, 2]);
    const x = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const { value, grads } = valueAndGrads(() => sum(exp(matmul(x, w))), [w, x]);
    expect(engine.numTensors()).toBe(base + 2 + 1 + 2);
    dispose([value, grads, w, x]);
    expect(engine.numTensors()).toBe(base);
  });

  it('returns a distinct tensor per input even when the gradients coincide', () => {
    const a = tensor([1, 2], [2]);
    const b = tensor([3, 4], [2]);
    const { value, grads } = valueAndGrads(() => sum(add(a, b)), [a, b, a]);
    expect(new Set(grads).size).toBe(3);
    grads[0].dispose();
    expect(Array.from(grads[1].dataSync())).toEqual([1, 1]);
    expect(Array.from(grads[2].dataSync())).toEqual([1, 1]);
    dispose([value, grads, a, b]);
  });

  it('is leak-free when the function throws', () => {
    const base = engine.numTensors();
    const x = tensor([1, 2], [2]);
    expect(() => valueAndGrads(() => exp(x), [x])).toThrow(/must return a single value, got shape \[2\]/);
    x.dispose();
    expect(engine.numTensors()).toBe(base);
  });

  it('gives zeros for an input the function does not use, and stops at a non-differentiable kernel with a clear error', () => {
    const x = tensor([1, 2], [2]);
    const y = tensor([3], [1]);
    const { value, grads } = valueAndGrads(() => sum(x), [y]);
    expect(Array.from(grads[0].dataSync())).toEqual([0]);
    dispose([value, grads]);
    const img = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(() => valueAndGrads(() => sum(engine.runKernel('MaxPool', [img], { kernel: [2, 2], strides: [1, 1], pads: [0, 0, 0, 0] })), [img]))
      .toThrow(/MaxPool is not differentiable/);
    dispose([x, y, img]);
  });
});

describe('errors', () => {
  it('shape errors are ShapeErrors naming the op', () => {
    const a = zeros([2, 3]);
    const b = zeros([4]);
    expect(() => add(a, b)).toThrow(ShapeError);
    expect(() => add(a, b)).toThrow('Add: cannot broadcast [2,3] with [4]');
    expect(() => matmul(a, a)).toThrow(/^MatMul: inner dimensions differ/);
    expect(() => conv2d(zeros([1, 4, 4, 3]), zeros([3, 3, 2, 4]))).toThrow(/^Conv2D: filter \[3,3,2,4\] expects 2 input channels/);
    expect(() => reshape(a, [4, 2])).toThrow(/^Reshape: cannot reshape \[2,3\]/);
    expect(() => sum(a, 2)).toThrow(/^Sum: axis 2 is out of range for rank 2/);
    expect(() => engine.runKernel('Conv2DBackpropInput', [zeros([4, 4]), zeros([1, 1, 1, 1])],
      { strides: [1, 1], pads: [0, 0, 0, 0], groups: 1, inputShape: [1, 4, 4, 1] })).toThrow(/^Conv2DBackpropInput: dy \[4,4\] must be \[1,4,4,1\]/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('tensor: 3 values do not fill shape [2,2] (4 elements)');
  });

  it('refuses a tensor from another backend, naming both', () => {
    const foreign = tensor([1, 2], [2]);
    engine.setBackend(Object.defineProperty(createReferenceBackend(), 'name', { value: 'other' }));
    expect(() => add(foreign, 1)).toThrow(/^Add: input Tensor#\d+\[2\]@reference lives on backend reference, but the active backend is other/);
  });

  it('names the kernel and backend when a kernel is missing', () => {
    const partial = Object.defineProperties(createReferenceBackend(), { name: { value: 'partial' }, kernels: { value: {} } });
    engine.setBackend(partial);
    const x = tensor([1], [1]);
    expect(() => exp(x)).toThrow('Exp: kernel is not implemented by backend partial');
  });
});
