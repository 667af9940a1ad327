import type { KernelAttrsMap, PoolAttrs } from '../../kernels/kernel_names.js';
import type { Rng } from '../../random/rng.js';
import { randomArray } from '../random.js';
import { windowOut } from '../../tensor/shape.js';
import { EXACT, sumTolerance } from './tolerances.js';
import type { ForwardCase } from './types.js';

/** A pooling geometry: NHWC input and window. */
export interface PoolGeometry {
  readonly label: string;
  readonly x: [number, number, number, number];
  readonly attrs: PoolAttrs;
}

/** MSFlow's 3x3/s2/p1 pool on odd sizes, asymmetric pads, a floor-dropped edge, a global window. */
export const POOL_GEOMETRIES: readonly PoolGeometry[] = [
  { label: '3x3-s2-p1', x: [2, 7, 9, 3], attrs: { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } },
  { label: '2x3-asym-pads', x: [1, 5, 6, 2], attrs: { kernel: [2, 3], strides: [1, 2], pads: [1, 0, 2, 1] } },
  { label: '2x2-s2-odd-edge', x: [2, 5, 7, 3], attrs: { kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] } },
  { label: 'overlapping-3x3-s1', x: [1, 4, 5, 2], attrs: { kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] } },
  { label: 'global', x: [2, 3, 4, 5], attrs: { kernel: [3, 4], strides: [1, 1], pads: [0, 0, 0, 0] } },
];

export function poolOutShape(g: PoolGeometry): [number, number, number, number] {
  const [n, h, w, c] = g.x;
  const { kernel: [kh, kw], strides: [sh, sw], pads: [pt, pb, pl, pr] } = g.attrs;
  return [n, windowOut(h, kh, sh, pt, pb), windowOut(w, kw, sw, pl, pr), c];
}

/** Windows overlapping one input cell, an upper bound on AvgPoolGrad's sum length. */
const overlap = (g: PoolGeometry): number =>
  Math.ceil(g.attrs.kernel[0] / g.attrs.strides[0]) * Math.ceil(g.attrs.kernel[1] / g.attrs.strides[1]);

export function avgPoolCases(rng: Rng): ForwardCase<'AvgPool'>[] {
  return POOL_GEOMETRIES.flatMap((g) =>
    [true, false].map((countIncludePad) => ({
      id: `AvgPool/${g.label}${countIncludePad ? '-include-pad' : '-exclude-pad'}`,
      kernel: 'AvgPool' as const,
      inputs: [randomArray(rng, g.x, { lo: -2, hi: 2 })],
      attrs: { ...g.attrs, countIncludePad },
      tolerance: sumTolerance(g.attrs.kernel[0] * g.attrs.kernel[1], 2),
    })),
  );
}

export function avgPoolGradCases(rng: Rng): ForwardCase<'AvgPoolGrad'>[] {
  return POOL_GEOMETRIES.flatMap((g) =>
    [true, false].map((countIncludePad) => ({
      id: `AvgPoolGrad/${g.label}${countIncludePad ? '-include-pad' : '-exclude-pad'}`,
      kernel: 'AvgPoolGrad' as const,
      inputs: [randomArray(rng, poolOutShape(g), { lo: -2, hi: 2 })],
      attrs: { ...g.attrs, countIncludePad, inputShape: g.x },
      tolerance: sumTolerance(overlap(g), 2),
    })),
  );
}

export function maxPoolCases(rng: Rng): ForwardCase<'MaxPool'>[] {
  // All-negative inputs: a backend letting the zero padding win would return 0 at the borders.
  return POOL_GEOMETRIES.map((g) => ({
    id: `MaxPool/${g.label}-negative`,
    kernel: 'MaxPool',
    inputs: [randomArray(rng, g.x, { lo: -3, hi: -0.5 })],
    attrs: g.attrs,
    tolerance: EXACT,
  }));
}

/** A resize geometry: NHWC input and output size. */
export interface ResizeGeometry {
  readonly label: string;
  readonly x: [number, number, number, number];
  readonly size: [number, number];
}

/** Up, down, mixed, to and from a single pixel, and the identity size. */
export const RESIZE_GEOMETRIES: readonly ResizeGeometry[] = [
  { label: 'up', x: [1, 4, 5, 2], size: [7, 9] },
  { label: 'down', x: [2, 9, 7, 3], size: [4, 3] },
  { label: 'up-h-down-w', x: [1, 3, 8, 2], size: [7, 5] },
  { label: 'integer-upscale', x: [1, 3, 3, 1], size: [12, 6] },
  { label: 'to-1x1', x: [1, 4, 3, 2], size: [1, 1] },
  { label: 'from-1x1', x: [2, 1, 1, 3], size: [3, 4] },
  { label: 'same-size', x: [1, 4, 5, 2], size: [4, 5] },
];

/** Output pixels reading one input cell, an upper bound on ResizeBilinearGrad's sum length. */
const fanOut = (g: ResizeGeometry): number => (Math.ceil(g.size[0] / g.x[1]) + 2) * (Math.ceil(g.size[1] / g.x[2]) + 2);

export function resizeCases(rng: Rng): ForwardCase<'ResizeBilinear'>[] {
  return RESIZE_GEOMETRIES.flatMap((g) =>
    [false, true].map((alignCorners) => ({
      id: `ResizeBilinear/${g.label}${alignCorners ? '-align-corners' : ''}`,
      kernel: 'ResizeBilinear' as const,
      inputs: [randomArray(rng, g.x, { lo: -2, hi: 2 })],
      attrs: { size: g.size, alignCorners },
      tolerance: sumTolerance(4, 2),
    })),
  );
}

export function resizeGradCases(rng: Rng): ForwardCase<'ResizeBilinearGrad'>[] {
  return RESIZE_GEOMETRIES.flatMap((g) =>
    [false, true].map((alignCorners) => {
      const attrs: KernelAttrsMap['ResizeBilinearGrad'] = { inputSize: [g.x[1], g.x[2]], alignCorners };
      return {
        id: `ResizeBilinearGrad/${g.label}${alignCorners ? '-align-corners' : ''}`,
        kernel: 'ResizeBilinearGrad' as const,
        inputs: [randomArray(rng, [g.x[0], g.size[0], g.size[1], g.x[3]], { lo: -2, hi: 2 })],
        attrs,
        tolerance: sumTolerance(fanOut(g), 2),
      };
    }),
  );
}

/** [label, x shape, epsilon, mean offset of x]. */
const LAYER_NORM_CASES: readonly (readonly [string, number[], number, number])[] = [
  ['nhwc', [2, 3, 4, 5], 1e-5, 0],
  ['rows', [7, 16], 1e-6, 0],
  ['rank1', [3], 1e-5, 0],
  ['offset-mean', [4, 9], 1e-5, 4],
  ['large-epsilon', [3, 6], 0.5, 0],
];

export function layerNormCases(rng: Rng): ForwardCase<'LayerNorm'>[] {
  return LAYER_NORM_CASES.map(([label, shape, epsilon, offset]) => {
    const c = shape[shape.length - 1];
    return {
      id: `LayerNorm/${label}`,
      kernel: 'LayerNorm',
      inputs: [randomArray(rng, shape, { lo: offset - 1, hi: offset + 1 }), randomArray(rng, [c], { lo: 0.5, hi: 2 }), randomArray(rng, [c])],
      attrs: { epsilon },
      // Normalised values reach ~√c; their error follows the mean/variance sums over c.
      tolerance: sumTolerance(c, 2 * (1 + offset)),
    };
  });
}
