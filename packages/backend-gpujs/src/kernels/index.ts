import { joinKernels } from '@msflow/core';
import type { Storage } from '../runtime/storage.js';
import type { Runner } from '../runtime/runner.js';
import { convOps } from './conv.js';
import { elementwiseOps } from './elementwise.js';
import { layoutOps } from './layout.js';
import { matmulOps } from './matmul.js';
import { normOps } from './norm.js';
import { poolOps } from './pool.js';
import { reduceOps } from './reduce.js';
import { resizeOps } from './resize.js';
import { topkOps } from './topk.js';
import type { GpuOpTable } from './types.js';

export type { GpuKernelArgs, GpuOp, GpuOpTable } from './types.js';

/**
 * Every declared kernel as generated gpu.js kernels (see {@link GpujsBackend} for the wrapper
 * that turns them into a core kernel table).
 *
 * @example
 * ```ts
 * const ops = gpujsOps();
 * const y = ops.Relu({ inputs: [x], shapes: [[3]], attrs: {}, outShape: [3], runner }); // x: a Storage
 * ```
 */
export function gpujsOps(): GpuOpTable {
  return joinKernels<Storage, { readonly runner: Runner }>('gpujs', elementwiseOps, reduceOps, matmulOps, convOps, poolOps, resizeOps, normOps, layoutOps, topkOps);
}
