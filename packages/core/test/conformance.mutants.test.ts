// The suite must catch the bugs backends typically have. Each mutant is the reference backend
// with one kernel replaced by a plausible wrong version; at least one case must reject it.
import { describe, expect, it } from 'vitest';
import { aroundAxis, setBackend, sizeOf, type Backend, type KernelName } from '@msflow/core';
import {
  createReferenceBackend, FORWARD_CASES, forwardCasesOf, GRADIENT_CASES, gradientCasesOf, missingForwardCases, missingGradientCases,
  refConv2DBackpropFilter, runForwardCase, runGradientCase, runReference, type RefArray,
} from '@msflow/core/testing';

/** What a mutant sees of the call besides its inputs. */
interface Call {
  readonly attrs: unknown;
  readonly outShape: readonly number[];
}
type Mutant = (inputs: RefArray[], args: Call) => Float64Array;

/** The reference backend with `kernel` computed by `mutant`. */
function mutate(kernel: KernelName, mutant: Mutant): Backend {
  return createReferenceBackend({
    kernels: { [kernel]: (call: Call & { inputs: readonly RefArray[] }) => ({ shape: [...call.outShape], data: mutant([...call.inputs], call) }) },
  });
}

const ref = <K extends KernelName>(k: K, inputs: RefArray[], attrs: unknown) => runReference(k, inputs, attrs as never).data;
const attrsOf = <T>(args: Call) => args.attrs as T;

const MUTANTS: [string, KernelName, Mutant][] = [
  ['softplus as log(1 + exp(x)) in float32', 'Softplus', ([x]) => x.data.map((v) => Math.fround(Math.log(1 + Math.fround(Math.exp(v)))))],
  ['sign(0) = 1', 'Sign', ([x]) => x.data.map((v) => (v >= 0 ? 1 : -1))],
  ['relu6 without the upper clamp', 'Relu6', ([x]) => x.data.map((v) => Math.max(v, 0))],
  ['max reduction starting from 0', 'Max', ([x], a) => ref('Max', [{ shape: x.shape, data: x.data.map((v) => Math.max(v, 0)) }], a.attrs)],
  ['broadcast by repeating the flat vector', 'Add', ([a, b], args) => {
    const n = sizeOf(args.outShape);
    return Float64Array.from({ length: n }, (_, i) => a.data[i % a.data.length] + b.data[i % b.data.length]);
  }],
  ['avg pool always dividing by the window', 'AvgPool', ([x], args) => ref('AvgPool', [x], { ...attrsOf<object>(args), countIncludePad: true })],
  ['max pool letting zero padding win', 'MaxPool', ([x], args) => {
    const { pads } = attrsOf<{ pads: number[] }>(args);
    const padded = ref('Pad', [x], { pads: [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]], value: 0 });
    const shape = [x.shape[0], x.shape[1] + pads[0] + pads[1], x.shape[2] + pads[2] + pads[3], x.shape[3]];
    return ref('MaxPool', [{ shape, data: padded }], { ...attrsOf<object>(args), pads: [0, 0, 0, 0] });
  }],
  ['resize with legacy corner-based coordinates (src = dst·in/out)', 'ResizeBilinear', ([x], args) => {
    const { alignCorners } = attrsOf<{ alignCorners: boolean }>(args);
    if (alignCorners) return ref('ResizeBilinear', [x], args.attrs);
    const [n, oh, ow, c] = args.outShape;
    const [, h, w] = x.shape;
    const y = new Float64Array(n * oh * ow * c);
    for (let b = 0; b < n; b++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const sy = (oy * h) / oh;
          const sx = (ox * w) / ow;
          const y0 = Math.floor(sy);
          const x0 = Math.floor(sx);
          const y1 = Math.min(y0 + 1, h - 1);
          const x1 = Math.min(x0 + 1, w - 1);
          const at = (yy: number, xx: number, ch: number) => x.data[((b * h + yy) * w + xx) * c + ch];
          for (let ch = 0; ch < c; ch++) {
            const top = at(y0, x0, ch) + (at(y0, x1, ch) - at(y0, x0, ch)) * (sx - x0);
            const bottom = at(y1, x0, ch) + (at(y1, x1, ch) - at(y1, x0, ch)) * (sx - x0);
            y[((b * oh + oy) * ow + ox) * c + ch] = top + (bottom - top) * (sy - y0);
          }
        }
    return y;
  }],
  ['layer norm with epsilon outside the square root', 'LayerNorm', ([x, g, b], args) => {
    const { epsilon } = attrsOf<{ epsilon: number }>(args);
    const c = g.data.length;
    const y = new Float64Array(x.data.length);
    for (let r = 0; r < x.data.length / c; r++) {
      const row = x.data.subarray(r * c, (r + 1) * c);
      const mu = row.reduce((s, v) => s + v, 0) / c;
      const sd = Math.sqrt(row.reduce((s, v) => s + (v - mu) ** 2, 0) / c);
      row.forEach((v, j) => (y[r * c + j] = ((v - mu) / (sd + epsilon)) * g.data[j] + b.data[j]));
    }
    return y;
  }],
  ['grouped conv reading the first group only', 'Conv2D', ([x, f, bias], args) => {
    const a = attrsOf<{ groups: number; strides: [number, number]; pads: [number, number, number, number] }>(args);
    if (a.groups === 1) return ref('Conv2D', bias ? [x, f, bias] : [x, f], a);
    const cig = f.shape[2];
    const first = ref('Slice', [x], { begin: [0, 0, 0, 0], size: [...x.shape.slice(0, 3), cig] });
    const xs = { shape: [...x.shape.slice(0, 3), cig], data: first };
    return ref('Conv2D', bias ? [xs, f, bias] : [xs, f], { ...a, groups: 1 });
  }],
  ['scatter-add overwriting repeated indices', 'ScatterAdd', ([x], args) => {
    const { axis, indices, size } = attrsOf<{ axis: number; indices: number[]; size: number }>(args);
    const [outer, , inner] = aroundAxis(x.shape, axis);
    const out = new Float64Array(outer * size * inner);
    for (let o = 0; o < outer; o++)
      indices.forEach((dst, j) => {
        for (let i = 0; i < inner; i++) out[(o * size + dst) * inner + i] = x.data[(o * indices.length + j) * inner + i];
      });
    return out;
  }],
  ['filter gradient with the spatial taps flipped', 'Conv2DBackpropFilter', ([x, dy], args) => {
    const df = refConv2DBackpropFilter(x, dy, attrsOf(args));
    const [kh, kw, ci, co] = df.shape;
    const out = new Float64Array(df.data.length);
    const inner = ci * co;
    for (let p = 0; p < kh * kw; p++) out.set(df.data.subarray(p * inner, (p + 1) * inner), (kh * kw - 1 - p) * inner);
    return out;
  }],
];

/** Runs cases one at a time (the leak check counts live tensors) and reports whether any failed on values. */
async function anyRejected(runs: (() => Promise<void>)[]): Promise<boolean> {
  let rejected = false;
  for (const run of runs) {
    try {
      await run();
    } catch (err) {
      // Only a value or shape mismatch counts; anything else is a broken test, not a caught mutant.
      expect(String(err)).toMatch(/differ beyond|got shape/);
      rejected = true;
    }
  }
  return rejected;
}

describe('conformance suite catches broken kernels', () => {
  for (const [what, kernel, mutant] of MUTANTS) {
    it(`${kernel}: ${what}`, async () => {
      setBackend(mutate(kernel, mutant));
      expect(await anyRejected(forwardCasesOf(kernel).map((c) => () => runForwardCase(c))), 'no forward case rejected the mutant').toBe(true);
    });
  }

  it('Conv2D gradient cases reject a flipped filter gradient', async () => {
    const [, , mutant] = MUTANTS.find(([, k]) => k === 'Conv2DBackpropFilter')!;
    setBackend(mutate('Conv2DBackpropFilter', mutant));
    expect(await anyRejected(gradientCasesOf('Conv2D').map((c) => () => runGradientCase(c)))).toBe(true);
  });

  it('coverage checks name a kernel that lost its cases', () => {
    const forward = FORWARD_CASES as Record<string, unknown>;
    const gradient = GRADIENT_CASES as Record<string, unknown>;
    const [savedForward, savedGradient] = [forward.TopKMean, gradient.Gather];
    delete forward.TopKMean;
    delete gradient.Gather;
    try {
      expect(missingForwardCases()).toEqual(['TopKMean']);
      expect(missingGradientCases()).toEqual(['Gather']);
    } finally {
      forward.TopKMean = savedForward;
      gradient.Gather = savedGradient;
    }
    expect([missingForwardCases(), missingGradientCases()]).toEqual([[], []]);
  });
});
