import type { PoolAttrs } from '@msflow/core';
import { exactMultiple, kernelSource, lit, stridedQuotient, unravel } from '../codegen.js';
import type { GpuOp } from './types.js';

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

const size = (d: readonly number[]) => d.reduce((p, q) => p * q, 1);

/** The window loop of one output; `visit` is the statement run on each valid input cell `v`. */
function windowLoop({ x: [, h, w, c], kernel: [kh, kw], strides: [sh, sw], pads: [pt, , pl] }: PoolSpec, visit: string): string[] {
  return [
    `for (let ky = 0; ky < ${kh}; ky++) {`,
    `  const iy = oy * ${sh} - ${pt} + ky;`,
    `  if (iy >= 0 && iy < ${h}) {`,
    `    for (let kx = 0; kx < ${kw}; kx++) {`,
    `      const ix = ox * ${sw} - ${pl} + kx;`,
    `      if (ix >= 0 && ix < ${w}) {`,
    `        const v = x[((b * ${h} + iy) * ${w} + ix) * ${c} + ch];`,
    `        ${visit}`,
    '      }',
    '    }',
    '  }',
    '}',
  ];
}

function outCoords(y: readonly number[]): string[] {
  const u = unravel('i', y, 'o');
  return ['const i = this.thread.x;', ...u.lines, `const b = ${u.coords[0]};`, `const oy = ${u.coords[1]};`, `const ox = ${u.coords[2]};`, `const ch = ${u.coords[3]};`];
}

/** Average: the divisor is kh·kw with countIncludePad, else the number of cells inside the input. */
function avgPoolSource(s: PoolSpec): string {
  return kernelSource(['x'], [
    ...outCoords(s.y),
    'let acc = 0.0;',
    'let count = 0.0;',
    ...windowLoop(s, 'acc += v; count += 1.0;'),
    `return acc / ${s.countIncludePad ? lit(s.kernel[0] * s.kernel[1]) : 'count'};`,
  ]);
}

/** Max: the first valid cell seeds the maximum, so padding can never win. */
function maxPoolSource(s: PoolSpec): string {
  return kernelSource(['x'], [
    ...outCoords(s.y),
    'let acc = 0.0;',
    'let found = 0.0;',
    ...windowLoop(s, 'if (found == 0.0 || v > acc) { acc = v; } found = 1.0;'),
    'return acc;',
  ]);
}

/**
 * Average-pool gradient, gather form: each input cell sums dy/divisor over the windows covering
 * it; without countIncludePad a window's divisor is its overlap with the input, recomputed here.
 */
function avgPoolGradSource({ x: [n, h, w, c], y: [, oh, ow], kernel: [kh, kw], strides: [sh, sw], pads: [pt, , pl], countIncludePad }: PoolSpec): string {
  const u = unravel('i', [n, h, w, c], 'x');
  const divisor = countIncludePad
    ? lit(kh * kw)
    : `((Math.min(oy * ${sh} - ${pt} + ${kh}, ${h}) - Math.max(oy * ${sh} - ${pt}, 0)) * (Math.min(ox * ${sw} - ${pl} + ${kw}, ${w}) - Math.max(ox * ${sw} - ${pl}, 0)))`;
  return kernelSource(['dy'], [
    'const i = this.thread.x;',
    ...u.lines,
    `const b = ${u.coords[0]};`,
    `const iy = ${u.coords[1]};`,
    `const ix = ${u.coords[2]};`,
    `const ch = ${u.coords[3]};`,
    'let acc = 0.0;',
    `for (let ky = 0; ky < ${kh}; ky++) {`,
    `  const ty = iy + ${pt} - ky;`,
    `  ${stridedQuotient('ty', sh, 'oy')}`,
    `  if (ty >= 0 && oy < ${oh}${exactMultiple('ty', sh, 'oy')}) {`,
    `    for (let kx = 0; kx < ${kw}; kx++) {`,
    `      const tx = ix + ${pl} - kx;`,
    `      ${stridedQuotient('tx', sw, 'ox')}`,
    `      if (tx >= 0 && ox < ${ow}${exactMultiple('tx', sw, 'ox')}) {`,
    `        acc += dy[((b * ${oh} + oy) * ${ow} + ox) * ${c} + ch] / ${divisor};`,
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ]);
}

export const avgPool: GpuOp<'AvgPool'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('AvgPool', specOf(shapes[0], outShape, attrs, attrs.countIncludePad), avgPoolSource, size(outShape), inputs);

export const maxPool: GpuOp<'MaxPool'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('MaxPool', specOf(shapes[0], outShape, attrs), maxPoolSource, size(outShape), inputs);

export const avgPoolGrad: GpuOp<'AvgPoolGrad'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('AvgPoolGrad', specOf(attrs.inputShape, shapes[0], attrs, attrs.countIncludePad), avgPoolGradSource, size(outShape), inputs);
