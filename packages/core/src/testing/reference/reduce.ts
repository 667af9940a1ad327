import type { ReduceAttrs, ReduceKernel } from '../../kernels/kernel_names.js';
import { sizeOf, stridesOf } from '../../tensor/shape.js';
import { ensure, forEachIndex, type RefArray } from './array.js';

/** Sum, Mean or Max over `axes`; reduced axes are dropped unless `keepDims`. */
export function refReduce(kernel: ReduceKernel, x: RefArray, { axes, keepDims }: ReduceAttrs): RefArray {
  const rank = x.shape.length;
  ensure(axes.every((a) => Number.isInteger(a) && a >= 0 && a < rank), kernel, `axes [${axes.join(',')}] out of range`);
  const reduced = x.shape.map((_, i) => axes.includes(i));
  const kept = x.shape.map((d, i) => (reduced[i] ? 1 : d));
  const keptStrides = stridesOf(kept);
  const out = new Float64Array(sizeOf(kept)).fill(kernel === 'Max' ? -Infinity : 0);
  forEachIndex(x.shape, (flat, idx) => {
    let o = 0;
    for (let i = 0; i < rank; i++) if (!reduced[i]) o += idx[i] * keptStrides[i];
    const v = x.data[flat];
    if (kernel === 'Max') {
      // NaN must win, as in every framework's max.
      if (v > out[o] || Number.isNaN(v)) out[o] = v;
    } else out[o] += v;
  });
  if (kernel === 'Mean') {
    const count = sizeOf(x.shape) / sizeOf(kept);
    for (let i = 0; i < out.length; i++) out[i] /= count;
  }
  const shape = keepDims ? kept : x.shape.filter((_, i) => !reduced[i]);
  return { shape, data: out };
}
