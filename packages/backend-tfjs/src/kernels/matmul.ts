import type { TfContext, TfKernelTable } from './types.js';

/** 2-D matrix product with optional transposes. */
export function matmulKernels({ tf }: TfContext): Pick<TfKernelTable, 'MatMul'> {
  return {
    // An empty inner dimension gives zeros (XNNPACK rejects it).
    MatMul: ({ inputs: [a, b], attrs: { transposeA, transposeB }, outShape }) =>
      a.size === 0 || b.size === 0 ? tf.zeros(outShape as number[]) : tf.matMul(a, b, transposeA, transposeB),
  };
}
