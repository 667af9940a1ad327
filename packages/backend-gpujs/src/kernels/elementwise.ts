import { BINARY_KERNELS, UNARY_KERNELS, broadcastShapes, broadcastStrides, kernelFamily, sizeOf, type BinaryKernel, type UnaryKernel } from '@msflow/core';
import { kernelSource, offset, unravel } from './codegen.js';
import type { GpuOp, GpuOpTable } from './types.js';

/**
 * Unary bodies over `v`. Tanh, Sigmoid and Softplus are written in forms that cannot overflow
 * (GLSL's exp(2x)-based tanh, and gpu.js's GL polyfill of it, give NaN at |x| ≳ 45).
 */
const UNARY: { readonly [K in UnaryKernel]: readonly string[] } = {
  Exp: ['return Math.exp(v);'],
  Log: ['return Math.log(v);'],
  Tanh: ['const t = Math.exp(-2.0 * Math.abs(v));', 'const r = (1.0 - t) / (1.0 + t);', 'return v < 0.0 ? -r : r;'],
  Atan: ['return Math.atan(v);'],
  Sigmoid: ['const e = Math.exp(-Math.abs(v));', 'return v >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);'],
  Softplus: ['return Math.max(v, 0.0) + Math.log(1.0 + Math.exp(-Math.abs(v)));'],
  // max() (not a comparison) so a NaN stays NaN and training can notice it.
  Relu: ['return Math.max(v, 0.0);'],
  Relu6: ['return Math.min(Math.max(v, 0.0), 6.0);'],
  Sqrt: ['return Math.sqrt(v);'],
  Square: ['return v * v;'],
  Neg: ['return -v;'],
  Abs: ['return Math.abs(v);'],
  Step: ['return v > 0.0 ? 1.0 : 0.0;'],
  Sign: ['return v > 0.0 ? 1.0 : (v < 0.0 ? -1.0 : 0.0);'],
};

const BINARY: { readonly [K in BinaryKernel]: string } = {
  Add: 'a + b',
  Sub: 'a - b',
  Mul: 'a * b',
  Div: 'a / b',
  Maximum: 'Math.max(a, b)',
  Minimum: 'Math.min(a, b)',
};

const unarySource = ({ op }: { op: UnaryKernel }) =>
  kernelSource(['x'], ['const v = x[this.thread.x];', ...UNARY[op]]);

/** Kernel for one unary op (output size is part of the cache key, the source is not). */
const unary = (op: UnaryKernel): GpuOp<UnaryKernel> => ({ inputs, runner }) =>
  runner.run(op, { op }, unarySource, inputs[0].size, inputs);

/** Broadcast geometry after merging neighbouring axes that broadcast alike. */
interface BroadcastSpec {
  op: BinaryKernel;
  out: number[];
  /** Strides of a and b over `out` (0 where the operand broadcasts). */
  sa: number[];
  sb: number[];
}

/** Merges axis i into i-1 when both operands are contiguous across them. */
function mergeAxes(out: number[], sa: number[], sb: number[]): void {
  for (let i = out.length - 1; i > 0; i--) {
    const fits = (s: number[]) => (s[i - 1] === 0 && s[i] === 0) || (s[i - 1] !== 0 && s[i - 1] === s[i] * out[i]);
    if (fits(sa) && fits(sb)) {
      out[i - 1] *= out[i];
      sa[i - 1] = sa[i];
      sb[i - 1] = sb[i];
      out.splice(i, 1);
      sa.splice(i, 1);
      sb.splice(i, 1);
    }
  }
}

function binarySource({ op, out, sa, sb }: BroadcastSpec): string {
  const { lines, coords } = unravel('i', out, 'c');
  return kernelSource(['xa', 'xb'], [
    'const i = this.thread.x;',
    ...lines,
    `const a = xa[${offset(coords, sa)}];`,
    `const b = xb[${offset(coords, sb)}];`,
    `return ${BINARY[op]};`,
  ]);
}

/** Kernel for one binary op with NumPy broadcasting. */
const binary = (op: BinaryKernel): GpuOp<BinaryKernel> => ({ inputs, shapes, outShape, runner }) => {
  const out = broadcastShapes(shapes[0], shapes[1], op);
  const spec: BroadcastSpec = { op, out: [...out], sa: broadcastStrides(shapes[0], out), sb: broadcastStrides(shapes[1], out) };
  mergeAxes(spec.out, spec.sa, spec.sb);
  return runner.run(op, spec, binarySource, sizeOf(outShape), inputs);
};

/** The unary and binary kernels. */
export const elementwiseOps: Pick<GpuOpTable, UnaryKernel | BinaryKernel> = { ...kernelFamily(UNARY_KERNELS, unary), ...kernelFamily(BINARY_KERNELS, binary) };
