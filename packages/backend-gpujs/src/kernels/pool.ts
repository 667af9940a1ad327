import { sizeOf, type PoolAttrs } from '@msflow/core';
import { kernelSource, lit, threadCoords, windowOutputs, windowTaps, type Window2D } from './codegen.js';
import type { GpuOp, GpuOpTable } from './types.js';

/** Geometry of one pooling: NHWC input x and output y. */
interface PoolSpec {
  x: number[];
  y: number[];
  kernel: [number, number];
  strides: [number, number];
  pads: [number, number, number, number];
  countIncludePad: boolean;
}

function specOf(x: readonly number[], y: readonly number[], a: PoolAttrs, countIncludePad = false): PoolSpec {
  return { x: [...x], y: [...y], kernel: [...a.kernel], strides: [...a.strides], pads: [...a.pads], countIncludePad };
}

const windowOf = ({ x, y, kernel, strides, pads }: PoolSpec): Window2D => ({
  h: x[1], w: x[2], oh: y[1], ow: y[2], kh: kernel[0], kw: kernel[1], sh: strides[0], sw: strides[1], pt: pads[0], pl: pads[2],
});

/** One output's window: `visit` runs on each input cell `v` inside the image. */
function windowSource(s: PoolSpec, init: string[], visit: string, result: string): string {
  const [, h, w, c] = s.x;
  return kernelSource(['x'], [
    ...threadCoords(s.y, ['b', 'oy', 'ox', 'ch']),
    ...init,
    ...windowTaps(windowOf(s), [`const v = x[((b * ${h} + iy) * ${w} + ix) * ${c} + ch];`, visit]),
    `return ${result};`,
  ]);
}

/** Average: the divisor is kh·kw with countIncludePad, else the number of cells inside the input. */
const avgPoolSource = (s: PoolSpec): string =>
  windowSource(s, ['let acc = 0.0;', 'let count = 0.0;'], 'acc += v; count += 1.0;', `acc / ${s.countIncludePad ? lit(s.kernel[0] * s.kernel[1]) : 'count'}`);

/** Max: the first valid cell seeds the maximum, so padding can never win. */
const maxPoolSource = (s: PoolSpec): string =>
  windowSource(s, ['let acc = 0.0;', 'let found = 0.0;'], 'if (found == 0.0 || v > acc) { acc = v; } found = 1.0;', 'acc');

/**
 * Average-pool gradient, gather form: each input cell sums dy/divisor over the windows covering
 * it; without countIncludePad a window's divisor is its overlap with the input, recomputed here.
 */
function avgPoolGradSource(s: PoolSpec): string {
  const { x, y: [, oh, ow], kernel: [kh, kw], strides: [sh, sw], pads: [pt, , pl], countIncludePad } = s;
  const [, h, w, c] = x;
  const divisor = countIncludePad
    ? lit(kh * kw)
    : `((Math.min(oy * ${sh} - ${pt} + ${kh}, ${h}) - Math.max(oy * ${sh} - ${pt}, 0)) * (Math.min(ox * ${sw} - ${pl} + ${kw}, ${w}) - Math.max(ox * ${sw} - ${pl}, 0)))`;
  return kernelSource(['dy'], [
    ...threadCoords(x, ['b', 'iy', 'ix', 'ch']),
    'let acc = 0.0;',
    ...windowOutputs(windowOf(s), [`acc += dy[((b * ${oh} + oy) * ${ow} + ox) * ${c} + ch] / ${divisor};`]),
    'return acc;',
  ]);
}

const avgPool: GpuOp<'AvgPool'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('AvgPool', specOf(shapes[0], outShape, attrs, attrs.countIncludePad), avgPoolSource, sizeOf(outShape), inputs);

const maxPool: GpuOp<'MaxPool'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('MaxPool', specOf(shapes[0], outShape, attrs), maxPoolSource, sizeOf(outShape), inputs);

const avgPoolGrad: GpuOp<'AvgPoolGrad'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('AvgPoolGrad', specOf(attrs.inputShape, shapes[0], attrs, attrs.countIncludePad), avgPoolGradSource, sizeOf(outShape), inputs);

/** The pooling kernels. */
export const poolOps: Pick<GpuOpTable, 'AvgPool' | 'AvgPoolGrad' | 'MaxPool'> = { AvgPool: avgPool, AvgPoolGrad: avgPoolGrad, MaxPool: maxPool };
