import { joinKernels } from '@msflow/core';
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import { layoutKernels } from './layout.js';
import { matmulKernels } from './matmul.js';
import { normKernels } from './norm.js';
import { poolKernels } from './pool.js';
import { reduceKernels } from './reduce.js';
import { resizeKernels } from './resize.js';
import type { TfContext, TfKernelTable, TfTensor } from './types.js';

export type { TF, TfContext, TfKernel, TfKernelTable, TfTensor } from './types.js';

/**
 * Every declared kernel, written on the tfjs ops of `ctx.tf`: plain functions of tfjs tensors
 * (see {@link TfjsBackend} for the wrapper that turns them into a core kernel table).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * const k = tfKernels({ tf, tfBackend: 'cpu', hasKernel: () => true, explicitPadding: true,
 *   convGrad: { input: 'native', filter: 'composed' } });
 * const y = tf.tidy(() => k.Relu6({ inputs: [tf.tensor([-1, 3, 9])], shapes: [[3]], attrs: {}, outShape: [3] })); // [0, 3, 6]
 * ```
 */
export function tfKernels(ctx: TfContext): TfKernelTable {
  const families = [elementwiseKernels, reduceKernels, matmulKernels, convKernels, poolKernels, resizeKernels, normKernels, layoutKernels];
  return joinKernels<TfTensor>('tfjs', ...families.map((family) => family(ctx)));
}
