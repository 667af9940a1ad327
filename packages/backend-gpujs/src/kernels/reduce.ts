import { REDUCE_KERNELS, kernelFamily, sizeOf, stridesOf, type ReduceKernel } from '@msflow/core';
import { kernelSource, lit, offset, unravel } from './codegen.js';
import type { GpuOp, GpuOpTable } from './types.js';

interface ReduceSpec {
  op: ReduceKernel;
  /** Kept and reduced dimensions with their strides in x. */
  kept: number[];
  keptStrides: number[];
  red: number[];
  redStrides: number[];
}

/**
 * One thread per output: it walks the reduced axes in order, a sequential float32 sum (the
 * error stays within the suite's n·u bound). Max starts from the first element, so an
 * all-negative slice cannot lose to an initial 0.
 */
function reduceSource({ op, kept, keptStrides, red, redStrides }: ReduceSpec): string {
  const out = unravel('i', kept, 'k');
  const count = sizeOf(red);
  const inner = unravel('r', red, 'q');
  const at = `x[base${inner.coords.some((c) => c !== '0') ? ` + ${offset(inner.coords, redStrides)}` : ''}]`;
  const body = [
    'const i = this.thread.x;',
    ...out.lines,
    `const base = ${offset(out.coords, keptStrides)};`,
    op === 'Max' ? 'let acc = x[base];' : 'let acc = 0.0;',
    `for (let r = ${op === 'Max' ? 1 : 0}; r < ${count}; r++) {`,
    ...inner.lines.map((l) => `  ${l}`),
    op === 'Max' ? `  acc = Math.max(acc, ${at});` : `  acc += ${at};`,
    '}',
    op === 'Mean' ? `return acc / ${lit(count)};` : 'return acc;',
  ];
  return kernelSource(['x'], body);
}

/** Sum, Mean or Max over sorted axes. */
const reduce = (op: ReduceKernel): GpuOp<ReduceKernel> => ({ inputs, shapes, attrs, outShape, runner }) => {
  const x = shapes[0];
  const strides = stridesOf(x);
  const axes = new Set(attrs.axes);
  const pick = (inRed: boolean) => x.map((_, i) => i).filter((i) => axes.has(i) === inRed);
  const keptAxes = pick(false);
  const redAxes = pick(true);
  const spec: ReduceSpec = {
    op,
    kept: keptAxes.map((i) => x[i]),
    keptStrides: keptAxes.map((i) => strides[i]),
    red: redAxes.map((i) => x[i]),
    redStrides: redAxes.map((i) => strides[i]),
  };
  return runner.run(op, spec, reduceSource, sizeOf(outShape), inputs);
};

/** Sum, Mean and Max. */
export const reduceOps: Pick<GpuOpTable, ReduceKernel> = kernelFamily(REDUCE_KERNELS, reduce);
