import { engine } from '../engine/engine.js';
import type { ReduceKernel } from '../kernels/kernel_names.js';
import { normalizeAxes } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

function reduce(kernel: ReduceKernel, x: Tensor, axes: number | readonly number[] | undefined, keepDims: boolean): Tensor {
  return engine.runKernel(kernel, [x], { axes: normalizeAxes(axes, x.rank, kernel), keepDims });
}

/** Sum over `axes` (all axes when omitted). Negative axes count from the end. */
export const sum = (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor => reduce('Sum', x, axes, keepDims);
export const mean = (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor => reduce('Mean', x, axes, keepDims);
export const max = (x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor => reduce('Max', x, axes, keepDims);
