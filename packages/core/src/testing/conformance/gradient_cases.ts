import { GRADIENTS } from '../../autodiff/gradients.js';
import { BINARY_KERNELS, UNARY_KERNELS, type BinaryKernel, type KernelName, type UnaryKernel } from '../../kernels/kernel_names.js';
import { Rng } from '../../random/rng.js';
import { distinctArray, randomArray, type RandomOptions } from '../random.js';
import { broadcastShapes, sizeOf } from '../../tensor/shape.js';
import type { RefArray } from '../reference/array.js';
import { BROADCAST_PAIRS, REDUCE_GEOMETRIES, unaryCases } from './cases_elementwise.js';
import { POOL_GEOMETRIES, RESIZE_GEOMETRIES } from './cases_image.js';
import { concatCases, gatherCases, padCases, reshapeCases, sliceCases, transposeCases } from './cases_layout.js';
import { CONV_GEOMETRIES, convOutShape } from './cases_linalg.js';
import { DEFAULT_SEED, kernelSeed } from './forward_cases.js';
import { gradientTolerance } from './tolerances.js';
import type { CaseBuilder, ForwardCase, GradientCase } from './types.js';

const NO_ATTRS = {} as Record<string, never>;
const all = (inputs: readonly unknown[]): number[] => inputs.map((_, i) => i);

/** Turns forward cases into gradient cases of every input; `reduction` is the longest sum in the gradient. */
function fromForward<K extends KernelName>(cases: ForwardCase<K>[], reduction = (_c: ForwardCase<K>) => 1): GradientCase<K>[] {
  return cases.map((c) => ({ ...c, id: `grad:${c.id}`, wrt: all(c.inputs), tolerance: gradientTolerance(reduction(c)) }));
}

function unaryGradients(rng: Rng, kernel: UnaryKernel): GradientCase<UnaryKernel>[] {
  // The edge-value case sits on kinks on purpose; keep the random ones (drawn away from kinks).
  const cases = fromForward(unaryCases(rng, kernel).filter((c) => !c.id.endsWith('/edge-values')));
  if (kernel === 'Softplus' || kernel === 'Sigmoid' || kernel === 'Tanh') {
    cases.push({
      id: `grad:${kernel}/wide-range`, kernel, inputs: [randomArray(rng, [3, 7], { lo: -30, hi: 30 })], attrs: NO_ATTRS, wrt: [0],
      tolerance: gradientTolerance(),
    });
  }
  return cases;
}

/** Multiples of 1/4 in [-1, 1]: operands of max/min are drawn from it on one side and away from it on the other. */
const GRID = Array.from({ length: 9 }, (_, i) => i / 4 - 1);

function gridArray(rng: Rng, shape: readonly number[]): RefArray {
  return { shape: [...shape], data: Float64Array.from({ length: sizeOf(shape) }, () => GRID[rng.int(GRID.length)]) };
}

function binaryGradients(rng: Rng, kernel: BinaryKernel): GradientCase<BinaryKernel>[] {
  return BROADCAST_PAIRS.map(([label, sa, sb]) => {
    // unbroadcast sums the gradient over the broadcast axes: at most the output's size.
    const out = sizeOf(broadcastShapes(sa, sb, 'broadcast'));
    let inputs: RefArray[];
    if (kernel === 'Maximum' || kernel === 'Minimum') {
      // Ties have no derivative: one operand on the grid, the other at least 0.03 away from it.
      inputs = [randomArray(rng, sa, { avoid: GRID, margin: 0.03 }), gridArray(rng, sb)];
    } else {
      const b: RandomOptions = kernel === 'Div' ? { lo: -2, hi: 2, avoid: [0], margin: 0.4 } : { lo: -2, hi: 2 };
      inputs = [randomArray(rng, sa, { lo: -2, hi: 2 }), randomArray(rng, sb, b)];
    }
    return { id: `grad:${kernel}/${label}`, kernel, inputs, attrs: NO_ATTRS, wrt: [0, 1], tolerance: gradientTolerance(out, 4) };
  });
}

const sumGradients: CaseBuilder<'Sum', GradientCase<'Sum'>> = (rng) =>
  REDUCE_GEOMETRIES.slice(0, 4).map(([label, shape, attrs]) => ({
    id: `grad:Sum/${label}`, kernel: 'Sum', inputs: [randomArray(rng, shape)], attrs, wrt: [0], tolerance: gradientTolerance(),
  }));

const meanGradients: CaseBuilder<'Mean', GradientCase<'Mean'>> = (rng) =>
  REDUCE_GEOMETRIES.slice(0, 4).map(([label, shape, attrs]) => ({
    id: `grad:Mean/${label}`, kernel: 'Mean', inputs: [randomArray(rng, shape)], attrs, wrt: [0], tolerance: gradientTolerance(),
  }));

const maxGradients: CaseBuilder<'Max', GradientCase<'Max'>> = (rng) =>
  // Distinct values: at a tie the max has no derivative.
  REDUCE_GEOMETRIES.slice(0, 4).map(([label, shape, attrs]) => ({
    id: `grad:Max/${label}`, kernel: 'Max', inputs: [distinctArray(rng, shape)], attrs, wrt: [0], tolerance: gradientTolerance(),
  }));

const matMulGradients: CaseBuilder<'MatMul', GradientCase<'MatMul'>> = (rng) =>
  [false, true].flatMap((transposeA) =>
    [false, true].map((transposeB) => {
      const [m, k, n] = [3, 5, 4];
      return {
        id: `grad:MatMul/3x5x4${transposeA ? '-tA' : ''}${transposeB ? '-tB' : ''}`,
        kernel: 'MatMul' as const,
        inputs: [randomArray(rng, transposeA ? [k, m] : [m, k]), randomArray(rng, transposeB ? [n, k] : [k, n])],
        attrs: { transposeA, transposeB },
        wrt: [0, 1],
        tolerance: gradientTolerance(Math.max(m, n)),
      };
    }),
  );

const CONV_GRADIENT_LABELS = ['3x3-same-bias', 'stride2-asym-pads', 'stride2x1-2x3-kernel', 'groups2', 'depthwise-stride2', 'uncovered-edge'];

const conv2DGradients: CaseBuilder<'Conv2D', GradientCase<'Conv2D'>> = (rng) =>
  CONV_GEOMETRIES.filter((g) => CONV_GRADIENT_LABELS.includes(g.label)).map((g) => {
    const [n, oh, ow, co] = convOutShape(g);
    const inputs = [randomArray(rng, g.x), randomArray(rng, g.filter), ...(g.bias ? [randomArray(rng, [co])] : [])];
    return {
      id: `grad:Conv2D/${g.label}`, kernel: 'Conv2D' as const, inputs, attrs: g.attrs, wrt: all(inputs),
      tolerance: gradientTolerance(n * oh * ow),
    };
  });

const avgPoolGradients: CaseBuilder<'AvgPool', GradientCase<'AvgPool'>> = (rng) =>
  POOL_GEOMETRIES.filter((g) => g.label !== 'overlapping-3x3-s1').flatMap((g) =>
    [true, false].map((countIncludePad) => ({
      id: `grad:AvgPool/${g.label}${countIncludePad ? '-include-pad' : '-exclude-pad'}`,
      kernel: 'AvgPool' as const,
      inputs: [randomArray(rng, g.x)],
      attrs: { ...g.attrs, countIncludePad },
      wrt: [0],
      tolerance: gradientTolerance(),
    })),
  );

const resizeGradients: CaseBuilder<'ResizeBilinear', GradientCase<'ResizeBilinear'>> = (rng) =>
  RESIZE_GEOMETRIES.filter((g) => g.label !== 'same-size').flatMap((g) =>
    [false, true].map((alignCorners) => ({
      id: `grad:ResizeBilinear/${g.label}${alignCorners ? '-align-corners' : ''}`,
      kernel: 'ResizeBilinear' as const,
      inputs: [randomArray(rng, g.x)],
      attrs: { size: g.size, alignCorners },
      wrt: [0],
      tolerance: gradientTolerance((g.size[0] * g.size[1]) / (g.x[1] * g.x[2]) + 4),
    })),
  );

const layerNormGradients: CaseBuilder<'LayerNorm', GradientCase<'LayerNorm'>> = (rng) =>
  ([['nhwc', [2, 3, 2, 5], 0], ['rows-offset', [4, 6], 3], ['rank1', [5], 0]] as const).map(([label, shape, offset]) => {
    const c = shape[shape.length - 1];
    return {
      id: `grad:LayerNorm/${label}`,
      kernel: 'LayerNorm' as const,
      inputs: [randomArray(rng, shape, { lo: offset - 1, hi: offset + 1 }), randomArray(rng, [c], { lo: 0.5, hi: 2 }), randomArray(rng, [c])],
      attrs: { epsilon: 1e-5 },
      wrt: [0, 1, 2],
      tolerance: gradientTolerance(sizeOf(shape) / c, 4),
    };
  });

type GradientBuilders = { readonly [K in KernelName]?: CaseBuilder<K, GradientCase<K>> };

const each = <L extends readonly KernelName[]>(names: L, build: CaseBuilder<L[number], GradientCase<L[number]>>) =>
  Object.fromEntries(names.filter((k) => GRADIENTS[k]).map((k) => [k, build])) as GradientBuilders;

/**
 * Gradient cases of the differentiable kernels (those with an entry in `GRADIENTS`). Coverage
 * is asserted at run time by {@link missingGradientCases}: the suite fails when core gains a
 * gradient without a case here.
 */
export const GRADIENT_CASES: GradientBuilders = {
  ...each(UNARY_KERNELS, unaryGradients),
  ...each(BINARY_KERNELS, binaryGradients),
  Sum: sumGradients,
  Mean: meanGradients,
  Max: maxGradients,
  MatMul: matMulGradients,
  Conv2D: conv2DGradients,
  AvgPool: avgPoolGradients,
  ResizeBilinear: resizeGradients,
  LayerNorm: layerNormGradients,
  Transpose: (rng) => fromForward(transposeCases(rng)),
  Reshape: (rng) => fromForward(reshapeCases(rng)),
  Concat: (rng) => fromForward(concatCases(rng)),
  Slice: (rng) => fromForward(sliceCases(rng)),
  Pad: (rng) => fromForward(padCases(rng)),
  // Repeated indices make the gradient (ScatterAdd) accumulate.
  Gather: (rng) => fromForward(gatherCases(rng), (c) => c.attrs.indices.length),
};

/** The gradient cases of `kernel` (deterministic for a seed). */
export function gradientCasesOf<K extends KernelName>(kernel: K, seed = DEFAULT_SEED): GradientCase<K>[] {
  const build = GRADIENT_CASES[kernel] as CaseBuilder<K, GradientCase<K>> | undefined;
  return build ? build(new Rng(kernelSeed(seed, `grad:${kernel}`)), kernel) : [];
}

/** Every gradient case, in kernel declaration order. */
export function gradientCases(seed = DEFAULT_SEED): GradientCase[] {
  return (Object.keys(GRADIENTS) as KernelName[]).flatMap((k) => gradientCasesOf(k, seed) as GradientCase[]);
}
