import { releasing } from '../runtime/storage.js';
import { kernelSource, lit, threadCoords } from './codegen.js';
import type { GpuOp, GpuOpTable } from './types.js';

interface NormSpec {
  rows: number;
  c: number;
  epsilon: number;
}

/**
 * Row statistics, [rows, 2] = (mean, 1/sqrt(var + eps)). Two passes over the row (mean, then
 * squared deviations) rather than E[x²]-E[x]², which cancels badly for offset inputs.
 */
function statsSource({ rows, c, epsilon }: NormSpec): string {
  return kernelSource(['x'], [
    ...threadCoords([rows, 2], ['row', 'which']),
    `const base = row * ${c};`,
    'let mean = 0.0;',
    `for (let j = 0; j < ${c}; j++) { mean += x[base + j]; }`,
    `mean = mean / ${lit(c)};`,
    'let v = 0.0;',
    `for (let j = 0; j < ${c}; j++) { const d = x[base + j] - mean; v += d * d; }`,
    `const rstd = 1.0 / Math.sqrt(v / ${lit(c)} + ${lit(epsilon)});`,
    'return which == 0 ? mean : rstd;',
  ]);
}

/** (x - mean)·rstd·gamma + beta, element-wise with the row's statistics. */
function applySource({ rows, c }: NormSpec): string {
  return kernelSource(['x', 'stats', 'gamma', 'beta'], [
    ...threadCoords([rows, c], ['row', 'j']),
    'return (x[i] - stats[row * 2]) * stats[row * 2 + 1] * gamma[j] + beta[j];',
  ]);
}

/** Layer norm over the last axis: a statistics kernel piped into an apply kernel. */
const layerNorm: GpuOp<'LayerNorm'> = ({ inputs, shapes, attrs, runner }) => {
  const x = shapes[0];
  const c = x[x.length - 1];
  const rows = c === 0 ? 0 : inputs[0].size / c;
  const spec: NormSpec = { rows, c, epsilon: attrs.epsilon };
  const stats = runner.run('LayerNormStats', spec, statsSource, rows * 2, [inputs[0]]);
  return releasing(stats, (s) => runner.run('LayerNorm', spec, applySource, inputs[0].size, [inputs[0], s, inputs[1], inputs[2]]));
};

/** Layer norm. */
export const normOps: Pick<GpuOpTable, 'LayerNorm'> = { LayerNorm: layerNorm };
