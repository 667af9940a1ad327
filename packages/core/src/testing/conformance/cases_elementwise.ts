import type { BinaryKernel, KernelAttrsMap, ReduceKernel, UnaryKernel } from '../../kernels/kernel_names.js';
import type { Rng } from '../../random/rng.js';
import { randomArray, distinctArray, type RandomOptions } from '../random.js';
import { refArray } from '../reference/array.js';
import { ELEMENTWISE, EXACT, sumTolerance } from './tolerances.js';
import type { ForwardCase } from './types.js';

const NO_ATTRS = {} as Record<string, never>;

/** Input range of each unary kernel: inside its domain, away from the kinks finite differences trip on. */
export const UNARY_DOMAINS: { readonly [K in UnaryKernel]: RandomOptions } = {
  Exp: { lo: -4, hi: 4 },
  Log: { lo: 0.1, hi: 4 },
  Tanh: { lo: -3, hi: 3 },
  Atan: { lo: -4, hi: 4 },
  Sigmoid: { lo: -6, hi: 6 },
  Softplus: { lo: -6, hi: 6 },
  Relu: { lo: -2, hi: 2, avoid: [0] },
  Relu6: { lo: -3, hi: 9, avoid: [0, 6] },
  Sqrt: { lo: 0.1, hi: 4 },
  Square: { lo: -3, hi: 3 },
  Neg: { lo: -3, hi: 3 },
  Abs: { lo: -3, hi: 3, avoid: [0] },
  Step: { lo: -2, hi: 2, avoid: [0] },
  Sign: { lo: -2, hi: 2, avoid: [0] },
};

/** Values that probe a unary kernel's edges: overflow for exp-based kernels, exact kinks elsewhere. */
const EDGE_VALUES: { readonly [K in UnaryKernel]?: readonly number[] } = {
  Softplus: [-100, -60, -30, -17, 0, 17, 30, 60, 100],
  Sigmoid: [-100, -60, -30, -17, 0, 17, 30, 60, 100],
  Tanh: [-100, -30, -10, 0, 10, 30, 100],
  Exp: [-80, -20, 0, 20, 80],
  Relu: [-1, -0, 0, 0.5, 1e-30],
  Relu6: [-1, 0, 3, 6, 6.5, 1e6, -1e6],
  Step: [-1, -0, 0, 1e-30, 2],
  Sign: [-1, -0, 0, 1e-30, -1e-30, 2],
  Abs: [-2, -0, 0, 3],
};

/** Unary cases: odd rank-4, rank-1 and scalar shapes over the kernel's domain, plus edge values. */
export function unaryCases(rng: Rng, kernel: UnaryKernel): ForwardCase<UnaryKernel>[] {
  const dom = UNARY_DOMAINS[kernel];
  const make = (label: string, shape: number[]): ForwardCase<UnaryKernel> => ({
    id: `${kernel}/${label}`,
    kernel,
    inputs: [randomArray(rng, shape, dom)],
    attrs: NO_ATTRS,
    tolerance: ELEMENTWISE,
  });
  const cases = [make('rank4-odd', [2, 3, 5, 3]), make('rank1', [7]), make('scalar', [])];
  const edge = EDGE_VALUES[kernel];
  if (edge) {
    const values = edge.map((v) => Math.fround(v));
    cases.push({ id: `${kernel}/edge-values`, kernel, inputs: [refArray([values.length], values)], attrs: NO_ATTRS, tolerance: ELEMENTWISE });
  }
  return cases;
}

/** Broadcast pairs: same shape, both sides broadcasting, scalars, a per-channel vector. */
export const BROADCAST_PAIRS: readonly (readonly [string, number[], number[]])[] = [
  ['same-shape', [3, 4, 5], [3, 4, 5]],
  ['broadcast-both', [2, 1, 4, 3], [5, 1, 3]],
  ['scalar-rhs', [4, 3], []],
  ['scalar-lhs', [], [3, 2]],
  ['outer', [3, 1], [1, 5]],
  ['channel-vector', [2, 3, 3, 6], [6]],
];

/** Operand ranges: Div keeps b away from 0. */
function binaryDomain(kernel: BinaryKernel, side: 0 | 1): RandomOptions {
  return kernel === 'Div' && side === 1 ? { lo: -2, hi: 2, avoid: [0], margin: 0.4 } : { lo: -2, hi: 2 };
}

export function binaryCases(rng: Rng, kernel: BinaryKernel): ForwardCase<BinaryKernel>[] {
  const cases: ForwardCase<BinaryKernel>[] = BROADCAST_PAIRS.map(([label, sa, sb]) => ({
    id: `${kernel}/${label}`,
    kernel,
    inputs: [randomArray(rng, sa, binaryDomain(kernel, 0)), randomArray(rng, sb, binaryDomain(kernel, 1))],
    attrs: NO_ATTRS,
    tolerance: ELEMENTWISE,
  }));
  if (kernel === 'Maximum' || kernel === 'Minimum') {
    // Ties and signed zeros: either operand is the right answer, so the values must agree.
    const a = refArray([4], [1, -0, 0, -2].map(Math.fround));
    const b = refArray([4], [1, 0, -0, 3].map(Math.fround));
    cases.push({ id: `${kernel}/ties`, kernel, inputs: [a, b], attrs: NO_ATTRS, tolerance: EXACT });
  }
  return cases;
}

/** Reductions over leading, trailing, middle, several and all axes, with and without keepDims. */
export const REDUCE_GEOMETRIES: readonly (readonly [string, number[], KernelAttrsMap['Sum']])[] = [
  ['middle-axis', [3, 4, 5], { axes: [1], keepDims: false }],
  ['outer-axes-keepdims', [3, 4, 5], { axes: [0, 2], keepDims: true }],
  ['all-axes', [3, 4, 5], { axes: [0, 1, 2], keepDims: false }],
  ['all-axes-keepdims', [2, 3], { axes: [0, 1], keepDims: true }],
  ['no-axes', [3, 5], { axes: [], keepDims: false }],
  ['spatial-keepdims', [2, 3, 4, 5], { axes: [1, 2], keepDims: true }],
  ['last-axis', [2, 3, 4, 7], { axes: [3], keepDims: false }],
  ['rank1', [9], { axes: [0], keepDims: false }],
];

export function reduceCases(rng: Rng, kernel: ReduceKernel): ForwardCase<ReduceKernel>[] {
  const cases: ForwardCase<ReduceKernel>[] = REDUCE_GEOMETRIES.map(([label, shape, attrs]) => {
    const count = attrs.axes.reduce((p, a) => p * shape[a], 1);
    return {
      id: `${kernel}/${label}`,
      kernel,
      inputs: [randomArray(rng, shape, { lo: -2, hi: 2 })],
      attrs,
      tolerance: kernel === 'Max' ? EXACT : sumTolerance(count, 2),
    };
  });
  if (kernel === 'Max') {
    // All negative: an accumulator started at 0 instead of -Infinity would win.
    cases.push({ id: 'Max/all-negative', kernel, inputs: [randomArray(rng, [3, 5, 2], { lo: -3, hi: -1 })], attrs: { axes: [1], keepDims: false }, tolerance: EXACT });
    cases.push({ id: 'Max/distinct-values', kernel, inputs: [distinctArray(rng, [4, 6])], attrs: { axes: [0], keepDims: true }, tolerance: EXACT });
  }
  return cases;
}
