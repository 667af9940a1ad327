import type { TapeEntry } from '../engine/engine.js';
import { KERNEL_NAMES, type ConvAttrs, type KernelAttrsMap, type KernelName, type PoolAttrs } from '../kernels/kernel_names.js';
import { engine } from '../engine/engine.js';
import { add, div, mul, neg, sigmoid, square, step, sub } from '../ops/elementwise.js';
import { pad, reshape, scatterAdd, slice, transpose } from '../ops/layout.js';
import { matmul } from '../ops/linalg.js';
import { mean, sum } from '../ops/reduce.js';
import { zeros } from '../ops/creation.js';
import { inversePermutation } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Gradients of one kernel's inputs given the gradient `dy` of its output (undefined: none). */
export type GradFn = (dy: Tensor, inputs: readonly Tensor[], output: Tensor, attrs: never) => (Tensor | undefined)[];

/** Kernels whose gradient is zero almost everywhere: backprop stops there silently. */
export const ZERO_GRADIENT: ReadonlySet<KernelName> = new Set<KernelName>(['Step', 'Sign']);

/** Sums `g` over the axes that broadcasting expanded, then reshapes it to `shape`. */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return reshape(sum(g, axes), shape);
}

/** Broadcasts a reduced gradient back over the reduced axes. */
function expand(dy: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return add(reshape(dy, kept), zeros(x.shape));
}

const convGrads = (dy: Tensor, [x, f, b]: readonly Tensor[], a: ConvAttrs): (Tensor | undefined)[] => {
  const geo = { strides: a.strides, pads: a.pads, groups: a.groups };
  const dx = engine.runKernel('Conv2DBackpropInput', [dy, f], { ...geo, inputShape: x.shape as [number, number, number, number] });
  const df = engine.runKernel('Conv2DBackpropFilter', [x, dy], { ...geo, filterShape: f.shape as [number, number, number, number] });
  return [dx, df, b ? sum(dy, [0, 1, 2]) : undefined];
};

/** Gradient of every differentiable kernel, written once in core ops. */
export const GRADIENTS: { [K in KernelName]?: (dy: Tensor, inputs: readonly Tensor[], output: Tensor, attrs: KernelAttrsMap[K]) => (Tensor | undefined)[] } = {
  Exp: (dy, _x, y) => [mul(dy, y)],
  Log: (dy, [x]) => [div(dy, x)],
  Tanh: (dy, _x, y) => [mul(dy, sub(1, square(y)))],
  Atan: (dy, [x]) => [div(dy, add(square(x), 1))],
  Sigmoid: (dy, _x, y) => [mul(dy, mul(y, sub(1, y)))],
  Softplus: (dy, [x]) => [mul(dy, sigmoid(x))],
  Relu: (dy, [x]) => [mul(dy, step(x))],
  Relu6: (dy, [x]) => [mul(dy, mul(step(x), step(sub(6, x))))],
  Sqrt: (dy, _x, y) => [div(dy, mul(y, 2))],
  Square: (dy, [x]) => [mul(dy, mul(x, 2))],
  Neg: (dy) => [neg(dy)],
  Abs: (dy, [x]) => [mul(dy, engine.runKernel('Sign', [x], {}))],
  Add: (dy, [a, b]) => [unbroadcast(dy, a.shape), unbroadcast(dy, b.shape)],
  Sub: (dy, [a, b]) => [unbroadcast(dy, a.shape), unbroadcast(neg(dy), b.shape)],
  Mul: (dy, [a, b]) => [unbroadcast(mul(dy, b), a.shape), unbroadcast(mul(dy, a), b.shape)],
  Div: (dy, [a, b]) => [unbroadcast(div(dy, b), a.shape), unbroadcast(neg(div(mul(dy, a), square(b))), b.shape)],
  // Ties send the whole gradient to b (PyTorch splits it); finite differences are undefined there anyway.
  Maximum: (dy, [a, b]) => {
    const m = step(sub(a, b));
    return [unbroadcast(mul(dy, m), a.shape), unbroadcast(mul(dy, sub(1, m)), b.shape)];
  },
  Minimum: (dy, [a, b]) => {
    const m = step(sub(b, a));
    return [unbroadcast(mul(dy, m), a.shape), unbroadcast(mul(dy, sub(1, m)), b.shape)];
  },
  Sum: (dy, [x], _y, a) => [expand(dy, x, a.axes)],
  Mean: (dy, [x], _y, a) => {
    const count = a.axes.reduce((p, ax) => p * x.shape[ax], 1);
    return [expand(div(dy, count), x, a.axes)];
  },
  Max: (dy, [x], y, a) => {
    const yk = reshape(y, x.shape.map((d, i) => (a.axes.includes(i) ? 1 : d)));
    return [mul(expand(dy, x, a.axes), sub(1, step(sub(yk, x))))];
  },
  MatMul: (dy, [a, b], _y, { transposeA: ta, transposeB: tb }) => {
    if (!ta && !tb) return [matmul(dy, b, false, true), matmul(a, dy, true, false)];
    if (ta && !tb) return [matmul(b, dy, false, true), matmul(a, dy)];
    if (!ta && tb) return [matmul(dy, b), matmul(dy, a, true, false)];
    return [matmul(b, dy, true, true), matmul(dy, a, true, true)];
  },
  Conv2D: (dy, inputs, _y, a) => convGrads(dy, inputs, a),
  AvgPool: (dy, [x], _y, a) => {
    const geo: PoolAttrs & { countIncludePad: boolean } = a;
    return [engine.runKernel('AvgPoolGrad', [dy], { ...geo, inputShape: x.shape as [number, number, number, number] })];
  },
  ResizeBilinear: (dy, [x], _y, a) => [
    engine.runKernel('ResizeBilinearGrad', [dy], { inputSize: [x.shape[1], x.shape[2]], alignCorners: a.alignCorners }),
  ],
  LayerNorm: (dy, [x, gamma], _y, { epsilon }) => {
    const axis = x.rank - 1;
    const mu = mean(x, axis, true);
    const xc = sub(x, mu);
    const inv = div(1, engine.runKernel('Sqrt', [add(mean(square(xc), axis, true), epsilon)], {}));
    const xhat = mul(xc, inv);
    const g = mul(dy, gamma);
    const dx = mul(inv, sub(sub(g, mean(g, axis, true)), mul(xhat, mean(mul(g, xhat), axis, true))));
    const lead = [...Array(axis).keys()];
    return [dx, sum(mul(dy, xhat), lead), sum(dy, lead)];
  },
  Transpose: (dy, _x, _y, { perm }) => [transpose(dy, inversePermutation(perm))],
  Reshape: (dy, [x]) => [reshape(dy, x.shape)],
  Concat: (dy, xs, _y, { axis }) => {
    let start = 0;
    return xs.map((x) => {
      const begin = x.shape.map((_, i) => (i === axis ? start : 0));
      start += x.shape[axis];
      return slice(dy, begin, [...x.shape]);
    });
  },
  Slice: (dy, [x], _y, { begin, size }) => [pad(dy, begin.map((b, i) => [b, x.shape[i] - b - size[i]] as [number, number]))],
  Pad: (dy, [x], _y, { pads }) => [slice(dy, pads.map(([p]) => p), [...x.shape])],
  Gather: (dy, [x], _y, { axis, indices }) => [scatterAdd(dy, indices, axis, x.shape[axis])],
};

/** The kernels without a gradient: backward kernels, and those only frozen parts use. */
export const NON_DIFFERENTIABLE: ReadonlySet<KernelName> = new Set(KERNEL_NAMES.filter((k) => GRADIENTS[k] === undefined));

/** Computes the input gradients of one tape entry. */
export function entryGradients(entry: TapeEntry, dy: Tensor): (Tensor | undefined)[] {
  const fn = GRADIENTS[entry.kernel] as GradFn | undefined;
  if (!fn) throw new Error(`${entry.kernel} is not differentiable; keep it out of the function being differentiated`);
  const present = entry.inputs.filter((t): t is Tensor => t !== undefined);
  return fn(dy, present, entry.output, entry.attrs as never);
}

