import type { BinaryKernel, UnaryKernel } from '@msflow/core';
import type { Lowering } from './types.js';

const simple = (opType: string): Lowering<UnaryKernel> => ({ g, inputs: [x] }) => g.op(opType, [x]);

/** Element-wise kernels of one input. */
export const UNARY_LOWERINGS: { [K in UnaryKernel]: Lowering<K> } = {
  Exp: simple('Exp'),
  Log: simple('Log'),
  Tanh: simple('Tanh'),
  Atan: simple('Atan'),
  Sigmoid: simple('Sigmoid'),
  Softplus: simple('Softplus'),
  Relu: simple('Relu'),
  Relu6: ({ g, inputs: [x] }) => g.op('Clip', [x, g.float([0], []), g.float([6], [])]),
  Sqrt: simple('Sqrt'),
  Square: ({ g, inputs: [x] }) => g.op('Mul', [x, x]),
  Neg: simple('Neg'),
  Abs: simple('Abs'),
  // 1 where x > 0, else 0 (NaN gives 0, as in the reference).
  Step: ({ g, inputs: [x] }) => g.op('Cast', [g.op('Greater', [x, g.float([0], [])])], { to: 1 }),
  Sign: simple('Sign'),
};

const binary = (opType: string): Lowering<BinaryKernel> => ({ g, inputs: [a, b] }) => g.op(opType, [a, b]);

/** Element-wise kernels of two inputs; ONNX broadcasting is NumPy's. */
export const BINARY_LOWERINGS: { [K in BinaryKernel]: Lowering<K> } = {
  Add: binary('Add'),
  Sub: binary('Sub'),
  Mul: binary('Mul'),
  Div: binary('Div'),
  Maximum: binary('Max'),
  Minimum: binary('Min'),
};
