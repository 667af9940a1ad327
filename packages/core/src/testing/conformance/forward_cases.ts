import { BINARY_KERNELS, KERNEL_NAMES, REDUCE_KERNELS, UNARY_KERNELS, type KernelName } from '../../kernels/kernel_names.js';
import { Rng } from '../../random/rng.js';
import { binaryCases, reduceCases, unaryCases } from './cases_elementwise.js';
import { avgPoolCases, avgPoolGradCases, layerNormCases, maxPoolCases, resizeCases, resizeGradCases } from './cases_image.js';
import {
  concatCases, gatherCases, padCases, reshapeCases, scatterAddCases, sliceCases, topKMeanCases, transposeCases,
} from './cases_layout.js';
import { conv2DBackpropFilterCases, conv2DBackpropInputCases, conv2DCases, matMulCases } from './cases_linalg.js';
import type { CaseBuilder, ForwardCase } from './types.js';

type Builders<L extends readonly KernelName[]> = { [K in L[number]]: CaseBuilder<K> };

const each = <L extends readonly KernelName[]>(names: L, build: CaseBuilder<L[number]>): Builders<L> =>
  Object.fromEntries(names.map((k) => [k, build])) as unknown as Builders<L>;

/** Forward cases of every declared kernel; a kernel without an entry is a compile error. */
export const FORWARD_CASES: { readonly [K in KernelName]: CaseBuilder<K> } = {
  ...each(UNARY_KERNELS, unaryCases),
  ...each(BINARY_KERNELS, binaryCases),
  ...each(REDUCE_KERNELS, reduceCases),
  MatMul: matMulCases,
  Conv2D: conv2DCases,
  Conv2DBackpropInput: conv2DBackpropInputCases,
  Conv2DBackpropFilter: conv2DBackpropFilterCases,
  AvgPool: avgPoolCases,
  AvgPoolGrad: avgPoolGradCases,
  MaxPool: maxPoolCases,
  ResizeBilinear: resizeCases,
  ResizeBilinearGrad: resizeGradCases,
  LayerNorm: layerNormCases,
  Transpose: transposeCases,
  Reshape: reshapeCases,
  Concat: concatCases,
  Slice: sliceCases,
  Pad: padCases,
  Gather: gatherCases,
  ScatterAdd: scatterAddCases,
  TopKMean: topKMeanCases,
};

/** Default seed of the suite's random inputs. */
export const DEFAULT_SEED = 20_261_124;

/** A per-kernel seed, so adding cases to one kernel leaves every other kernel's inputs unchanged. */
export function kernelSeed(seed: number, kernel: string): number {
  let h = 2166136261;
  for (let i = 0; i < kernel.length; i++) h = Math.imul(h ^ kernel.charCodeAt(i), 16777619) >>> 0;
  return (h ^ seed) >>> 0;
}

/** The forward cases of `kernel` (deterministic for a seed). */
export function forwardCasesOf<K extends KernelName>(kernel: K, seed = DEFAULT_SEED): ForwardCase<K>[] {
  const build = FORWARD_CASES[kernel] as CaseBuilder<K> | undefined;
  return build ? build(new Rng(kernelSeed(seed, kernel)), kernel) : [];
}

/** Every forward case, grouped by kernel in declaration order. */
export function forwardCases(seed = DEFAULT_SEED): ForwardCase[] {
  return KERNEL_NAMES.flatMap((k) => forwardCasesOf(k, seed) as ForwardCase[]);
}
