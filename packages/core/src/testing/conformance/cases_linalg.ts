import type { ConvAttrs, KernelAttrsMap } from '../../kernels/kernel_names.js';
import type { Rng } from '../../random/rng.js';
import { randomArray } from '../random.js';
import { windowOut } from '../../tensor/shape.js';
import { sumTolerance } from './tolerances.js';
import type { ForwardCase } from './types.js';

/** [label, m, k, n]: tiny, odd, a long reduction, and vector shapes. */
const MATMUL_SIZES: readonly (readonly [string, number, number, number])[] = [
  ['small', 3, 5, 4],
  ['odd', 7, 33, 9],
  ['row-times-column', 1, 17, 1],
  ['outer-product', 6, 1, 5],
];

export function matMulCases(rng: Rng): ForwardCase<'MatMul'>[] {
  const cases: ForwardCase<'MatMul'>[] = [];
  for (const [label, m, k, n] of MATMUL_SIZES) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        cases.push({
          id: `MatMul/${label}${transposeA ? '-tA' : ''}${transposeB ? '-tB' : ''}`,
          kernel: 'MatMul',
          inputs: [randomArray(rng, transposeA ? [k, m] : [m, k]), randomArray(rng, transposeB ? [n, k] : [k, n])],
          attrs: { transposeA, transposeB },
          tolerance: sumTolerance(k),
        });
      }
    }
  }
  return cases;
}

/** A convolution geometry: input NHWC, filter HWIO, attributes, bias or not. */
export interface ConvGeometry {
  readonly label: string;
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly attrs: ConvAttrs;
  readonly bias: boolean;
}

/**
 * Strides, asymmetric pads, grouped and depthwise convolutions, 1x1 and full-window filters,
 * and inputs whose last rows/columns no window reaches (so dx must be zero there).
 */
export const CONV_GEOMETRIES: readonly ConvGeometry[] = [
  { label: '3x3-same-bias', x: [2, 5, 6, 3], filter: [3, 3, 3, 4], attrs: { strides: [1, 1], pads: [1, 1, 1, 1], groups: 1 }, bias: true },
  { label: 'stride2-asym-pads', x: [1, 7, 6, 2], filter: [3, 3, 2, 5], attrs: { strides: [2, 2], pads: [0, 1, 1, 0], groups: 1 }, bias: false },
  { label: 'stride2x1-2x3-kernel', x: [2, 6, 5, 3], filter: [2, 3, 3, 2], attrs: { strides: [2, 1], pads: [1, 0, 2, 1], groups: 1 }, bias: true },
  { label: 'groups2', x: [1, 5, 5, 4], filter: [3, 3, 2, 6], attrs: { strides: [1, 1], pads: [1, 1, 1, 1], groups: 2 }, bias: true },
  { label: 'depthwise-stride2', x: [2, 6, 5, 3], filter: [3, 3, 1, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1], groups: 3 }, bias: false },
  { label: 'depthwise-multiplier2', x: [1, 5, 4, 3], filter: [3, 3, 1, 6], attrs: { strides: [1, 1], pads: [1, 1, 0, 2], groups: 3 }, bias: true },
  { label: '1x1-bias', x: [2, 4, 3, 5], filter: [1, 1, 5, 7], attrs: { strides: [1, 1], pads: [0, 0, 0, 0], groups: 1 }, bias: true },
  { label: '1x1-stride2', x: [1, 5, 5, 3], filter: [1, 1, 3, 2], attrs: { strides: [2, 2], pads: [0, 0, 0, 0], groups: 1 }, bias: false },
  { label: 'full-window', x: [2, 3, 4, 2], filter: [3, 4, 2, 3], attrs: { strides: [1, 1], pads: [0, 0, 0, 0], groups: 1 }, bias: true },
  { label: 'uncovered-edge', x: [1, 6, 8, 2], filter: [3, 3, 2, 3], attrs: { strides: [2, 3], pads: [0, 0, 0, 0], groups: 1 }, bias: false },
];

/** Output shape of a conv geometry. */
export function convOutShape(g: ConvGeometry): [number, number, number, number] {
  const [n, h, w] = g.x;
  const [kh, kw, , co] = g.filter;
  const { strides: [sh, sw], pads: [pt, pb, pl, pr] } = g.attrs;
  return [n, windowOut(h, kh, sh, pt, pb), windowOut(w, kw, sw, pl, pr), co];
}

/** Length of one output's sum (filter taps times in-group channels). */
export const convFanIn = (g: ConvGeometry): number => g.filter[0] * g.filter[1] * g.filter[2];

export function conv2DCases(rng: Rng): ForwardCase<'Conv2D'>[] {
  return CONV_GEOMETRIES.map((g) => ({
    id: `Conv2D/${g.label}`,
    kernel: 'Conv2D',
    inputs: [randomArray(rng, g.x), randomArray(rng, g.filter), ...(g.bias ? [randomArray(rng, [g.filter[3]])] : [])],
    attrs: g.attrs,
    tolerance: sumTolerance(convFanIn(g) + 1),
  }));
}

export function conv2DBackpropInputCases(rng: Rng): ForwardCase<'Conv2DBackpropInput'>[] {
  return CONV_GEOMETRIES.map((g) => {
    const attrs: KernelAttrsMap['Conv2DBackpropInput'] = { ...g.attrs, inputShape: g.x };
    const fanOut = g.filter[0] * g.filter[1] * (g.filter[3] / g.attrs.groups);
    return {
      id: `Conv2DBackpropInput/${g.label}`,
      kernel: 'Conv2DBackpropInput',
      inputs: [randomArray(rng, convOutShape(g)), randomArray(rng, g.filter)],
      attrs,
      tolerance: sumTolerance(fanOut),
    };
  });
}

export function conv2DBackpropFilterCases(rng: Rng): ForwardCase<'Conv2DBackpropFilter'>[] {
  return CONV_GEOMETRIES.map((g) => {
    const attrs: KernelAttrsMap['Conv2DBackpropFilter'] = { ...g.attrs, filterShape: g.filter };
    const [n, oh, ow] = convOutShape(g);
    return {
      id: `Conv2DBackpropFilter/${g.label}`,
      kernel: 'Conv2DBackpropFilter',
      inputs: [randomArray(rng, g.x), randomArray(rng, convOutShape(g))],
      attrs,
      tolerance: sumTolerance(n * oh * ow),
    };
  });
}
