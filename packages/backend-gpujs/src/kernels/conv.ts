import type { ConvAttrs } from '@msflow/core';
import { exactMultiple, kernelSource, lit, stridedQuotient, unravel } from '../codegen.js';
import type { GpuOp } from './types.js';

/** Geometry of one convolution: NHWC input x, HWIO filter, NHWC output y. */
interface ConvSpec {
  x: number[];
  f: number[];
  y: number[];
  strides: [number, number];
  pads: [number, number, number, number];
  groups: number;
  bias: boolean;
}

function specOf(x: readonly number[], f: readonly number[], y: readonly number[], a: ConvAttrs, bias = false): ConvSpec {
  return { x: [...x], f: [...f], y: [...y], strides: [...a.strides], pads: [...a.pads], groups: a.groups, bias };
}

const size = (d: readonly number[]) => d.reduce((p, q) => p * q, 1);

/** Forward: one thread per output, taps outside the padded input skipped. */
function conv2DSource({ x: [, h, w, c], f: [kh, kw, cig, co], y: [n, oh, ow], strides: [sh, sw], pads: [pt, , pl], groups, bias }: ConvSpec): string {
  const u = unravel('i', [n, oh, ow, co], 'o');
  const cog = co / groups;
  return kernelSource(bias ? ['x', 'f', 'bias'] : ['x', 'f'], [
    'const i = this.thread.x;',
    ...u.lines,
    `const b = ${u.coords[0]};`,
    `const oy = ${u.coords[1]};`,
    `const ox = ${u.coords[2]};`,
    `const o = ${u.coords[3]};`,
    groups === 1 ? 'const c0 = 0;' : `const c0 = Math.floor((o + 0.5) / ${lit(cog)}) * ${cig};`,
    bias ? 'let acc = bias[o];' : 'let acc = 0.0;',
    `for (let ky = 0; ky < ${kh}; ky++) {`,
    `  const iy = oy * ${sh} - ${pt} + ky;`,
    `  if (iy >= 0 && iy < ${h}) {`,
    `    for (let kx = 0; kx < ${kw}; kx++) {`,
    `      const ix = ox * ${sw} - ${pl} + kx;`,
    `      if (ix >= 0 && ix < ${w}) {`,
    `        const xb = ((b * ${h} + iy) * ${w} + ix) * ${c} + c0;`,
    `        const fb = (ky * ${kw} + kx) * ${cig * co} + o;`,
    `        for (let ci = 0; ci < ${cig}; ci++) {`,
    `          acc += x[xb + ci] * f[fb + ci * ${co}];`,
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ]);
}

/**
 * Input gradient, gather form: one thread per input cell sums over the taps whose output
 * position (iy + pt - ky) / sh is an integer inside the output.
 */
function backpropInputSource({ x: [n, h, w, c], f: [kh, kw, cig, co], y: [, oh, ow], strides: [sh, sw], pads: [pt, , pl], groups }: ConvSpec): string {
  const u = unravel('i', [n, h, w, c], 'x');
  const cog = co / groups;
  return kernelSource(['dy', 'f'], [
    'const i = this.thread.x;',
    ...u.lines,
    `const b = ${u.coords[0]};`,
    `const iy = ${u.coords[1]};`,
    `const ix = ${u.coords[2]};`,
    `const ci = ${u.coords[3]};`,
    groups === 1 ? 'const g = 0;' : `const g = Math.floor((ci + 0.5) / ${lit(cig)});`,
    `const cl = ci - g * ${cig};`,
    'let acc = 0.0;',
    `for (let ky = 0; ky < ${kh}; ky++) {`,
    `  const ty = iy + ${pt} - ky;`,
    `  ${stridedQuotient('ty', sh, 'oy')}`,
    `  if (ty >= 0 && oy < ${oh}${exactMultiple('ty', sh, 'oy')}) {`,
    `    for (let kx = 0; kx < ${kw}; kx++) {`,
    `      const tx = ix + ${pl} - kx;`,
    `      ${stridedQuotient('tx', sw, 'ox')}`,
    `      if (tx >= 0 && ox < ${ow}${exactMultiple('tx', sw, 'ox')}) {`,
    `        const yb = ((b * ${oh} + oy) * ${ow} + ox) * ${co} + g * ${cog};`,
    `        const fb = ((ky * ${kw} + kx) * ${cig} + cl) * ${co} + g * ${cog};`,
    `        for (let j = 0; j < ${cog}; j++) {`,
    '          acc += dy[yb + j] * f[fb + j];',
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ]);
}

/** Filter gradient: one thread per filter tap sums x·dy over batch and output positions. */
function backpropFilterSource({ x: [n, h, w, c], f: [kh, kw, cig, co], y: [, oh, ow], strides: [sh, sw], pads: [pt, , pl], groups }: ConvSpec): string {
  const u = unravel('i', [kh, kw, cig, co], 'f');
  const cog = co / groups;
  return kernelSource(['x', 'dy'], [
    'const i = this.thread.x;',
    ...u.lines,
    `const ky = ${u.coords[0]};`,
    `const kx = ${u.coords[1]};`,
    `const ci = ${u.coords[2]};`,
    `const o = ${u.coords[3]};`,
    groups === 1 ? 'const cx = ci;' : `const cx = Math.floor((o + 0.5) / ${lit(cog)}) * ${cig} + ci;`,
    'let acc = 0.0;',
    `for (let b = 0; b < ${n}; b++) {`,
    `  for (let oy = 0; oy < ${oh}; oy++) {`,
    `    const iy = oy * ${sh} - ${pt} + ky;`,
    `    if (iy >= 0 && iy < ${h}) {`,
    `      for (let ox = 0; ox < ${ow}; ox++) {`,
    `        const ix = ox * ${sw} - ${pl} + kx;`,
    `        if (ix >= 0 && ix < ${w}) {`,
    `          acc += x[((b * ${h} + iy) * ${w} + ix) * ${c} + cx] * dy[((b * ${oh} + oy) * ${ow} + ox) * ${co} + o];`,
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    'return acc;',
  ]);
}

export const conv2D: GpuOp<'Conv2D'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('Conv2D', specOf(shapes[0], shapes[1], outShape, attrs, inputs.length > 2), conv2DSource, size(outShape), inputs);

export const conv2DBackpropInput: GpuOp<'Conv2DBackpropInput'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('Conv2DBackpropInput', specOf(attrs.inputShape, shapes[1], shapes[0], attrs), backpropInputSource, size(outShape), inputs);

export const conv2DBackpropFilter: GpuOp<'Conv2DBackpropFilter'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('Conv2DBackpropFilter', specOf(shapes[0], attrs.filterShape, shapes[1], attrs), backpropFilterSource, size(outShape), inputs);
