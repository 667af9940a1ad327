import { engine } from '../engine/engine.js';
import type { BinaryKernel, UnaryKernel } from '../kernels/kernel_names.js';
import { Tensor } from '../tensor/tensor.js';
import { scalar } from './creation.js';

const NO_ATTRS = {} as Record<string, never>;

function unary(kernel: UnaryKernel, x: Tensor): Tensor {
  return engine.runKernel(kernel, [x], NO_ATTRS);
}

/** A number operand becomes a scalar tensor, broadcast by the kernel. */
export type Operand = Tensor | number;

function asTensor(v: Operand): Tensor {
  return v instanceof Tensor ? v : scalar(v);
}

function binary(kernel: BinaryKernel, a: Operand, b: Operand): Tensor {
  return engine.runKernel(kernel, [asTensor(a), asTensor(b)], NO_ATTRS);
}

export const exp = (x: Tensor): Tensor => unary('Exp', x);
export const log = (x: Tensor): Tensor => unary('Log', x);
export const tanh = (x: Tensor): Tensor => unary('Tanh', x);
export const atan = (x: Tensor): Tensor => unary('Atan', x);
export const sigmoid = (x: Tensor): Tensor => unary('Sigmoid', x);
/** ln(1 + e^x), computed without overflow. */
export const softplus = (x: Tensor): Tensor => unary('Softplus', x);
export const relu = (x: Tensor): Tensor => unary('Relu', x);
export const relu6 = (x: Tensor): Tensor => unary('Relu6', x);
export const sqrt = (x: Tensor): Tensor => unary('Sqrt', x);
export const square = (x: Tensor): Tensor => unary('Square', x);
export const neg = (x: Tensor): Tensor => unary('Neg', x);
export const abs = (x: Tensor): Tensor => unary('Abs', x);
/** 1 where x > 0, else 0. */
export const step = (x: Tensor): Tensor => unary('Step', x);
export const sign = (x: Tensor): Tensor => unary('Sign', x);

/** Element-wise sum with NumPy broadcasting. */
export const add = (a: Operand, b: Operand): Tensor => binary('Add', a, b);
export const sub = (a: Operand, b: Operand): Tensor => binary('Sub', a, b);
export const mul = (a: Operand, b: Operand): Tensor => binary('Mul', a, b);
export const div = (a: Operand, b: Operand): Tensor => binary('Div', a, b);
export const maximum = (a: Operand, b: Operand): Tensor => binary('Maximum', a, b);
export const minimum = (a: Operand, b: Operand): Tensor => binary('Minimum', a, b);

/** Clamps every element to [lo, hi]. */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  if (!(lo <= hi)) throw new Error(`clip: lower bound ${lo} exceeds upper bound ${hi}`);
  return minimum(maximum(x, lo), hi);
}

/** (1/beta)·ln(1 + e^(beta·x)), PyTorch's Softplus with a beta. */
export function softplusBeta(x: Tensor, beta: number): Tensor {
  return beta === 1 ? softplus(x) : mul(softplus(mul(x, beta)), 1 / beta);
}
