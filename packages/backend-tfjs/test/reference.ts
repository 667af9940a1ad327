// The float64 references of this package's own kernel checks: core's reference loops (the ones
// the conformance suite uses), called with the flat arrays and shapes the checks work with.
import { KERNEL_SPECS } from '@msflow/core';
import {
  refAvgPool, refAvgPoolGrad, refConv2D, refConv2DBackpropFilter, refConv2DBackpropInput, refMaxPool, refResizeBilinear, type RefArray,
} from '@msflow/core/testing';

export type Shape4 = [number, number, number, number];
export type Pads = [number, number, number, number];

export function randn(n: number, seed = 1): Float64Array {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  return out;
}

const arr = (shape: readonly number[], values: ArrayLike<number>): RefArray => ({ shape: [...shape], data: Float64Array.from(values) });

/** One convolution's operands and geometry (NHWC input, HWIO filter). */
export interface ConvOperands {
  x: ArrayLike<number>;
  xs: Shape4;
  f: ArrayLike<number>;
  fs: Shape4;
  strides: [number, number];
  pads: Pads;
  groups: number;
}

export function conv2dRef({ x, xs, f, fs, strides, pads, groups }: ConvOperands, bias?: ArrayLike<number>): { y: Float64Array; shape: number[] } {
  const y = refConv2D(arr(xs, x), arr(fs, f), bias ? arr([fs[3]], bias) : undefined, { strides, pads, groups });
  return { y: y.data, shape: [...y.shape] };
}

/** Input and filter gradients of {@link conv2dRef} for output gradient `dy`. */
export function conv2dGradRef({ x, xs, f, fs, strides, pads, groups }: ConvOperands, dy: ArrayLike<number>): { dx: Float64Array; df: Float64Array } {
  const dyArr = arr(KERNEL_SPECS.Conv2D([xs, fs], { strides, pads, groups }), dy);
  return {
    dx: refConv2DBackpropInput(dyArr, arr(fs, f), { strides, pads, groups, inputShape: xs }).data,
    df: refConv2DBackpropFilter(arr(xs, x), dyArr, { strides, pads, groups, filterShape: fs }).data,
  };
}

/** One pooling's geometry (NHWC input `x`). */
export interface PoolGeometry {
  x: Shape4;
  kernel: [number, number];
  strides: [number, number];
  pads: Pads;
}

export function poolRef(x: ArrayLike<number>, { x: xs, kernel, strides, pads }: PoolGeometry, mode: 'avg-include' | 'avg-exclude' | 'max'): { y: Float64Array; shape: number[] } {
  const y = mode === 'max'
    ? refMaxPool(arr(xs, x), { kernel, strides, pads })
    : refAvgPool(arr(xs, x), { kernel, strides, pads, countIncludePad: mode === 'avg-include' });
  return { y: y.data, shape: [...y.shape] };
}

/** Gradient of the average pool for output gradient `dy`. */
export function avgPoolGradRef(dy: ArrayLike<number>, { x: xs, kernel, strides, pads }: PoolGeometry, countIncludePad: boolean): Float64Array {
  const dyShape = KERNEL_SPECS.AvgPool([xs], { kernel, strides, pads, countIncludePad });
  return refAvgPoolGrad(arr(dyShape, dy), { kernel, strides, pads, countIncludePad, inputShape: xs }).data;
}

export function resizeRef(x: ArrayLike<number>, xs: Shape4, size: [number, number], alignCorners: boolean): Float64Array {
  return refResizeBilinear(arr(xs, x), size, alignCorners).data;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Largest |a-b| relative to (1 + |b|). */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return Number.isNaN(m) ? Infinity : m;
}
