import { sizeOf } from '@msflow/core';
import { releasing } from '../runtime/storage.js';
import { kernelSource, lit, threadCoords } from './codegen.js';
import type { GpuOp, GpuOpTable } from './types.js';

interface TopKSpec {
  rows: number;
  n: number;
  k: number;
}

/**
 * Each element's rank in its row (larger values first, ties broken by position); elements of
 * rank < k keep their value, the others become 0. Selection without sorting, one thread per
 * element, so it maps onto gpu.js's one-output-per-thread model.
 */
function selectSource({ rows, n, k }: TopKSpec): string {
  return kernelSource(['x'], [
    ...threadCoords([rows, n], ['row', 'j']),
    `const base = row * ${n};`,
    'const v = x[i];',
    'let rank = 0;',
    `for (let q = 0; q < ${n}; q++) {`,
    '  const u = x[base + q];',
    '  if (u > v || (u == v && q < j)) { rank += 1; }',
    '}',
    `return rank < ${k} ? v : 0.0;`,
  ]);
}

/** Row sums of the selected values, divided by k. */
function meanSource({ n, k }: TopKSpec): string {
  return kernelSource(['s'], [
    `const base = this.thread.x * ${n};`,
    'let acc = 0.0;',
    `for (let q = 0; q < ${n}; q++) { acc += s[base + q]; }`,
    `return acc / ${lit(k)};`,
  ]);
}

const topKMean: GpuOp<'TopKMean'> = ({ inputs, shapes, attrs, outShape, runner }) => {
  const x = shapes[0];
  const spec: TopKSpec = { rows: sizeOf(outShape), n: x[x.length - 1], k: attrs.k };
  const selected = runner.run('TopKSelect', spec, selectSource, inputs[0].size, inputs);
  return releasing(selected, (s) => runner.run('TopKMean', spec, meanSource, spec.rows, [s]));
};

/** The image score reduction. */
export const topkOps: Pick<GpuOpTable, 'TopKMean'> = { TopKMean: topKMean };
