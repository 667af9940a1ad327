import type { BinaryKernel, UnaryKernel } from '../../kernels/kernel_names.js';
import { broadcastShapes, broadcastStrides, sizeOf } from '../../tensor/shape.js';
import type { RefArray } from './array.js';

/** ln(1 + e^x) as max(x, 0) + ln(1 + e^-|x|): never overflows, keeps precision for x << 0. */
export function softplus64(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Logistic sigmoid, evaluated on the side where exp cannot overflow. */
export function sigmoid64(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** The scalar function of every unary kernel. */
export const UNARY_FUNCTIONS: { readonly [K in UnaryKernel]: (x: number) => number } = {
  Exp: Math.exp,
  Log: Math.log,
  Tanh: Math.tanh,
  Atan: Math.atan,
  Sigmoid: sigmoid64,
  Softplus: softplus64,
  Relu: (x) => (x > 0 ? x : 0),
  Relu6: (x) => Math.min(Math.max(x, 0), 6),
  Sqrt: Math.sqrt,
  Square: (x) => x * x,
  Neg: (x) => -x,
  Abs: Math.abs,
  Step: (x) => (x > 0 ? 1 : 0),
  Sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
};

/** The scalar function of every binary kernel. */
export const BINARY_FUNCTIONS: { readonly [K in BinaryKernel]: (a: number, b: number) => number } = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Maximum: Math.max,
  Minimum: Math.min,
};

/** Applies a unary kernel element by element. */
export function refUnary(kernel: UnaryKernel, x: RefArray): RefArray {
  const f = UNARY_FUNCTIONS[kernel];
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]);
  return { shape: [...x.shape], data: out };
}

/** Applies a binary kernel with NumPy broadcasting. */
export function refBinary(kernel: BinaryKernel, a: RefArray, b: RefArray): RefArray {
  const f = BINARY_FUNCTIONS[kernel];
  const shape = broadcastShapes(a.shape, b.shape, `Reference ${kernel}`);
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const out = new Float64Array(sizeOf(shape));
  const idx = new Array<number>(shape.length).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = f(a.data[ia], b.data[ib]);
    // Odometer step: advance the last axis, carrying into earlier ones.
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      idx[ax]++;
      ia += sa[ax];
      ib += sb[ax];
      if (idx[ax] < shape[ax]) break;
      ia -= sa[ax] * shape[ax];
      ib -= sb[ax] * shape[ax];
      idx[ax] = 0;
    }
  }
  return { shape, data: out };
}
