// This package's own kernel checks against the float64 loops in reference.ts (the shared
// conformance suite of @msflow/core runs in conformance.*.test.ts).
import { expect, it } from 'vitest';
import { KERNEL_NAMES, KERNEL_SPECS, sizeOf as size, type KernelAttrsMap, type KernelName } from '@msflow/core';
import type { TfjsBackend } from '../src/index.js';
import {
  avgPoolGradRef,
  conv2dGradRef,
  conv2dRef,
  dot,
  maxRelErr,
  poolRef,
  type PoolGeometry,
  randn,
  resizeRef,
  type Pads,
  type Shape4,
} from './reference.js';

interface In {
  v: ArrayLike<number>;
  s: readonly number[];
}

/** Runs one kernel on raw arrays. */
export function runKernel<K extends KernelName>(be: TfjsBackend, k: K, ins: In[], attrs: KernelAttrsMap[K]): { y: Float32Array; shape: number[] } {
  const infos = ins.map((i) => ({ dataId: be.write(Float32Array.from(i.v), i.s), shape: i.s }));
  const outShape = KERNEL_SPECS[k](
    ins.map((i) => i.s),
    attrs,
  );
  const impl = be.kernels[k];
  if (!impl) throw new Error(`${k} missing`);
  const id = impl({ inputs: infos, attrs, outShape });
  const y = be.readSync(id, outShape) as Float32Array;
  be.disposeData(id);
  for (const i of infos) be.disposeData(i.dataId);
  return { y, shape: outShape };
}

const TOL = 2e-4;

interface ConvCase {
  x: Shape4;
  f: Shape4;
  strides: [number, number];
  pads: Pads;
  groups: number;
  bias?: boolean;
}

export const CONV_CASES: ConvCase[] = [
  { x: [2, 7, 6, 3], f: [3, 3, 3, 4], strides: [1, 1], pads: [1, 1, 1, 1], groups: 1, bias: true },
  { x: [1, 9, 8, 4], f: [3, 2, 4, 6], strides: [2, 3], pads: [2, 0, 1, 2], groups: 1 },
  { x: [2, 8, 7, 4], f: [3, 3, 1, 8], strides: [2, 2], pads: [1, 1, 1, 1], groups: 4, bias: true },
  { x: [1, 6, 7, 6], f: [3, 3, 1, 6], strides: [1, 2], pads: [0, 1, 2, 0], groups: 6 },
  { x: [2, 5, 6, 6], f: [2, 3, 3, 4], strides: [1, 1], pads: [1, 0, 0, 1], groups: 2 },
  { x: [1, 5, 5, 2], f: [1, 1, 2, 3], strides: [2, 2], pads: [0, 0, 0, 0], groups: 1 },
  { x: [1, 8, 8, 2], f: [3, 3, 2, 2], strides: [2, 2], pads: [0, 0, 0, 0], groups: 1 },
  { x: [1, 4, 4, 2], f: [2, 2, 2, 3], strides: [1, 1], pads: [3, 2, 3, 1], groups: 1 },
  { x: [1, 4, 5, 3], f: [2, 2, 1, 3], strides: [3, 2], pads: [3, 2, 3, 1], groups: 3 },
];

/** Registers the checks for one backend (call inside a describe with `be()` set in beforeAll). */
export function kernelChecks(be: () => TfjsBackend): void {
  it('implements every declared kernel', () => {
    expect(KERNEL_NAMES.filter((k) => typeof be().kernels[k] !== 'function')).toEqual([]);
  });

  CONV_CASES.forEach((cc, idx) => {
    const label = `conv ${idx}: x[${cc.x}] f[${cc.f}] s[${cc.strides}] p[${cc.pads}] g${cc.groups}`;
    it(`${label}: forward, input and filter gradients`, () => {
      const x = randn(size(cc.x), 10 + idx);
      const f = randn(size(cc.f), 20 + idx);
      const bias = cc.bias ? randn(cc.f[3], 30 + idx) : undefined;
      const geo = { strides: cc.strides, pads: cc.pads, groups: cc.groups };
      const operands = { x, xs: cc.x, f, fs: cc.f, strides: cc.strides, pads: cc.pads, groups: cc.groups };
      const ref = conv2dRef(operands, bias);
      const ins: In[] = [{ v: x, s: cc.x }, { v: f, s: cc.f }];
      if (bias) ins.push({ v: bias, s: [cc.f[3]] });
      const y = runKernel(be(), 'Conv2D', ins, geo);
      expect(y.shape).toEqual(ref.shape);
      expect(maxRelErr(y.y, ref.y)).toBeLessThan(TOL);

      const dy = randn(size(ref.shape), 40 + idx);
      const g = conv2dGradRef(operands, dy);
      const dx = runKernel(be(), 'Conv2DBackpropInput', [{ v: dy, s: ref.shape }, { v: f, s: cc.f }], { ...geo, inputShape: cc.x });
      expect(maxRelErr(dx.y, g.dx)).toBeLessThan(TOL);
      const df = runKernel(be(), 'Conv2DBackpropFilter', [{ v: x, s: cc.x }, { v: dy, s: ref.shape }], { ...geo, filterShape: cc.f });
      expect(maxRelErr(df.y, g.df)).toBeLessThan(TOL);
    });
  });

  const POOLS: PoolGeometry[] = [
    { x: [2, 7, 6, 3], kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
    { x: [1, 8, 9, 2], kernel: [2, 3], strides: [1, 2], pads: [1, 0, 2, 1] },
    { x: [1, 5, 5, 2], kernel: [2, 2], strides: [3, 3], pads: [0, 0, 0, 0] },
  ];
  POOLS.forEach((pc, idx) => {
    it(`pool ${idx}: x[${pc.x}] k[${pc.kernel}] s[${pc.strides}] p[${pc.pads}]: avg (both divisors), grads, max`, () => {
      const x = randn(size(pc.x), 50 + idx);
      for (const countIncludePad of [true, false]) {
        const mode = countIncludePad ? 'avg-include' : 'avg-exclude';
        const ref = poolRef(x, pc, mode);
        const y = runKernel(be(), 'AvgPool', [{ v: x, s: pc.x }], { kernel: pc.kernel, strides: pc.strides, pads: pc.pads, countIncludePad });
        expect(y.shape).toEqual(ref.shape);
        expect(maxRelErr(y.y, ref.y)).toBeLessThan(TOL);
        const dy = randn(size(ref.shape), 60 + idx);
        const dx = runKernel(be(), 'AvgPoolGrad', [{ v: dy, s: ref.shape }], {
          kernel: pc.kernel,
          strides: pc.strides,
          pads: pc.pads,
          countIncludePad,
          inputShape: pc.x,
        });
        expect(maxRelErr(dx.y, avgPoolGradRef(dy, pc, countIncludePad))).toBeLessThan(TOL);
      }
      const xneg = Array.from(x, (v) => v - 10); // padding (0) must never win
      const mref = poolRef(xneg, pc, 'max');
      const m = runKernel(be(), 'MaxPool', [{ v: xneg, s: pc.x }], { kernel: pc.kernel, strides: pc.strides, pads: pc.pads });
      expect(maxRelErr(m.y, mref.y)).toBeLessThan(TOL);
    });
  });

  for (const alignCorners of [false, true]) {
    for (const [from, to] of [
      [[5, 4], [9, 11]],
      [[9, 7], [4, 3]],
      [[3, 6], [1, 5]],
    ] as [number, number][][]) {
      it(`resize bilinear ${from} -> ${to} alignCorners=${alignCorners}: forward and adjoint gradient`, () => {
        const xs: Shape4 = [2, from[0], from[1], 3];
        const x = randn(size(xs), 70);
        const y = runKernel(be(), 'ResizeBilinear', [{ v: x, s: xs }], { size: to as [number, number], alignCorners });
        expect(maxRelErr(y.y, resizeRef(x, xs, to as [number, number], alignCorners))).toBeLessThan(TOL);
        // <R x, dy> == <x, Rᵀ dy>, checked for unit vectors x through the reference.
        const dy = randn(size(y.shape), 71);
        const g = runKernel(be(), 'ResizeBilinearGrad', [{ v: dy, s: y.shape }], { inputSize: from as [number, number], alignCorners });
        const expected = new Float64Array(size(xs));
        for (let i = 0; i < expected.length; i++) {
          const e = new Float64Array(size(xs));
          e[i] = 1;
          expected[i] = dot(resizeRef(e, xs, to as [number, number], alignCorners), dy);
        }
        expect(maxRelErr(g.y, expected)).toBeLessThan(TOL);
      });
    }
  }

  it('layer norm over the last axis', () => {
    const s = [2, 3, 5];
    const x = randn(30, 80).map((v) => v * 3 + 1);
    const gamma = randn(5, 81);
    const beta = randn(5, 82);
    const y = runKernel(be(), 'LayerNorm', [{ v: x, s }, { v: gamma, s: [5] }, { v: beta, s: [5] }], { epsilon: 1e-5 });
    const ref = new Float64Array(30);
    for (let r = 0; r < 6; r++) {
      const row = x.subarray(r * 5, r * 5 + 5);
      const mu = row.reduce((a, b) => a + b, 0) / 5;
      const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / 5;
      for (let k = 0; k < 5; k++) ref[r * 5 + k] = ((row[k] - mu) / Math.sqrt(v + 1e-5)) * gamma[k] + beta[k];
    }
    expect(maxRelErr(y.y, ref)).toBeLessThan(TOL);
  });

  it('gather and scatter-add along a middle axis, with repeated indices', () => {
    const x = randn(2 * 4 * 3, 90);
    const indices = [3, 0, 3, 1, 3];
    const g = runKernel(be(), 'Gather', [{ v: x, s: [2, 4, 3] }], { axis: 1, indices });
    expect(g.shape).toEqual([2, 5, 3]);
    const gref = new Float64Array(30);
    for (let a = 0; a < 2; a++) for (let j = 0; j < 5; j++) for (let c = 0; c < 3; c++) gref[(a * 5 + j) * 3 + c] = x[(a * 4 + indices[j]) * 3 + c];
    expect(maxRelErr(g.y, gref)).toBeLessThan(TOL);
    const dy = randn(30, 91);
    const s = runKernel(be(), 'ScatterAdd', [{ v: dy, s: [2, 5, 3] }], { axis: 1, indices, size: 4 });
    const sref = new Float64Array(24);
    for (let a = 0; a < 2; a++) for (let j = 0; j < 5; j++) for (let c = 0; c < 3; c++) sref[(a * 4 + indices[j]) * 3 + c] += dy[(a * 5 + j) * 3 + c];
    expect(maxRelErr(s.y, sref)).toBeLessThan(TOL);
    const s0 = runKernel(be(), 'ScatterAdd', [{ v: dy, s: [5, 6] }], { axis: 0, indices, size: 4 });
    expect(s0.shape).toEqual([4, 6]);
  });

  it('top-k mean, reductions, matmul with transposes, step and sign', () => {
    const x = randn(12, 100);
    const t = runKernel(be(), 'TopKMean', [{ v: x, s: [3, 4] }], { k: 2 });
    const tref = [0, 1, 2].map((r) => {
      const row = Array.from(x.subarray(r * 4, r * 4 + 4)).sort((a, b) => b - a);
      return (row[0] + row[1]) / 2;
    });
    expect(maxRelErr(t.y, tref)).toBeLessThan(TOL);
    const m = runKernel(be(), 'Max', [{ v: x, s: [3, 4] }], { axes: [0], keepDims: true });
    expect(m.shape).toEqual([1, 4]);
    const sAll = runKernel(be(), 'Sum', [{ v: x, s: [3, 4] }], { axes: [0, 1], keepDims: false });
    expect(sAll.shape).toEqual([]);
    expect(sAll.y[0]).toBeCloseTo(x.reduce((a, b) => a + b, 0), 4);
    const none = runKernel(be(), 'Mean', [{ v: x, s: [3, 4] }], { axes: [], keepDims: false });
    expect(maxRelErr(none.y, x)).toBeLessThan(TOL);
    const a = randn(6, 101);
    const b = randn(12, 102);
    const mm = runKernel(be(), 'MatMul', [{ v: a, s: [3, 2] }, { v: b, s: [4, 3] }], { transposeA: true, transposeB: true });
    expect(mm.shape).toEqual([2, 4]);
    const mref = new Float64Array(8);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) mref[i * 4 + j] += a[k * 2 + i] * b[j * 3 + k];
    expect(maxRelErr(mm.y, mref)).toBeLessThan(TOL);
    const st = runKernel(be(), 'Step', [{ v: [-1, 0, 2, Number.NaN], s: [4] }], {});
    expect(Array.from(st.y)).toEqual([0, 0, 1, 0]);
    const sg = runKernel(be(), 'Sign', [{ v: [-3, 0, 2, 1e-30, -1e-30], s: [5] }], {});
    expect(Array.from(sg.y)).toEqual([-1, 0, 1, 1, -1]);
  });

  it('handles empty tensors (wasm returns garbage for some of these natively)', () => {
    const mm = runKernel(be(), 'MatMul', [{ v: [], s: [2, 0] }, { v: [], s: [0, 3] }], { transposeA: false, transposeB: false });
    expect(Array.from(mm.y)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(runKernel(be(), 'Sum', [{ v: [], s: [2, 0] }], { axes: [1], keepDims: false }).y)).toEqual([0, 0]);
    expect(Array.from(runKernel(be(), 'Mean', [{ v: [], s: [2, 0] }], { axes: [1], keepDims: true }).y)).toEqual([NaN, NaN]);
    const cat = runKernel(be(), 'Concat', [{ v: [], s: [2, 0] }, { v: [1, 2, 3, 4], s: [2, 2] }], { axis: 1 });
    expect(Array.from(cat.y)).toEqual([1, 2, 3, 4]);
    expect(Array.from(runKernel(be(), 'Pad', [{ v: [], s: [0, 2] }], { pads: [[1, 0], [0, 0]], value: 7 }).y)).toEqual([7, 7]);
    expect(runKernel(be(), 'Gather', [{ v: [1, 2], s: [2] }], { axis: 0, indices: [] }).shape).toEqual([0]);
  });

  it('unary kernels match float64 to float32 relative accuracy', () => {
    const xs = [-30, -12.5, -3, -0.7, -1e-3, 0, 2e-4, 0.4, 1.5, 7, 16, 40];
    const refs: [KernelName, (v: number) => number][] = [
      ['Softplus', (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))],
      ['Sigmoid', (v) => 1 / (1 + Math.exp(-v))],
      ['Tanh', Math.tanh],
      ['Atan', Math.atan],
      ['Exp', Math.exp],
      ['Relu6', (v) => Math.min(Math.max(v, 0), 6)],
      ['Abs', Math.abs],
      ['Square', (v) => v * v],
    ];
    for (const [k, f] of refs) {
      const y = runKernel(be(), k, [{ v: xs, s: [xs.length] }], {} as never).y;
      xs.forEach((v, i) => {
        const r = f(v);
        expect(Math.abs(y[i] - r), `${k}(${v})`).toBeLessThanOrEqual(1e-5 * Math.abs(r) + 1e-30);
      });
    }
    const pos = xs.filter((v) => v > 0);
    for (const [k, f] of [['Log', Math.log], ['Sqrt', Math.sqrt]] as const) {
      const y = runKernel(be(), k, [{ v: pos, s: [pos.length] }], {}).y;
      pos.forEach((v, i) => expect(Math.abs(y[i] - f(v)), `${k}(${v})`).toBeLessThanOrEqual(1e-5 * Math.abs(f(v))));
    }
  });

  it('binary kernels broadcast', () => {
    const a = randn(6, 110);
    const b = randn(3, 111);
    const y = runKernel(be(), 'Sub', [{ v: a, s: [2, 1, 3] }, { v: b, s: [3] }], {});
    expect(y.shape).toEqual([2, 1, 3]);
    expect(maxRelErr(y.y, Array.from(a, (v, i) => v - b[i % 3]))).toBeLessThan(TOL);
  });

  it('never returns an input tensor as the output and frees what it creates', () => {
    const backend = be();
    const before = backend.runtime.tf.memory().numTensors;
    const x = backend.write(Float32Array.of(1, 2, 3), [3]);
    const ids = (['Reshape', 'Concat', 'Sum'] as const).map((k) => {
      const attrs = k === 'Reshape' ? { shape: [3] } : k === 'Concat' ? { axis: 0 } : { axes: [], keepDims: false };
      return backend.kernels[k]!({ inputs: [{ dataId: x, shape: [3] }], attrs: attrs as never, outShape: [3] });
    });
    for (const id of ids) expect(id).not.toBe(x);
    backend.disposeData(x);
    for (const id of ids) expect(Array.from(backend.readSync(id, [3]))).toEqual([1, 2, 3]);
    for (const id of ids) backend.disposeData(id);
    expect(backend.runtime.tf.memory().numTensors).toBe(before);
  });
}
