import { sizeOf, type ConvAttrs } from '@msflow/core';
import { kernelSource, lit, threadCoords, windowOutputs, windowTaps, type Window2D } from './codegen.js';
import type { GpuOp, GpuOpTable } from './types.js';

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

const windowOf = ({ x, f, y, strides, pads }: ConvSpec): Window2D => ({
  h: x[1], w: x[2], oh: y[1], ow: y[2], kh: f[0], kw: f[1], sh: strides[0], sw: strides[1], pt: pads[0], pl: pads[2],
});

/** Forward: one thread per output, taps outside the padded input skipped. */
function conv2DSource(s: ConvSpec): string {
  const { x: [, h, w, c], f: [, kw, cig, co], groups, bias } = s;
  const cog = co / groups;
  return kernelSource(bias ? ['x', 'f', 'bias'] : ['x', 'f'], [
    ...threadCoords(s.y, ['b', 'oy', 'ox', 'o']),
    groups === 1 ? 'const c0 = 0;' : `const c0 = Math.floor((o + 0.5) / ${lit(cog)}) * ${cig};`,
    bias ? 'let acc = bias[o];' : 'let acc = 0.0;',
    ...windowTaps(windowOf(s), [
      `const xb = ((b * ${h} + iy) * ${w} + ix) * ${c} + c0;`,
      `const fb = (ky * ${kw} + kx) * ${cig * co} + o;`,
      `for (let ci = 0; ci < ${cig}; ci++) {`,
      `  acc += x[xb + ci] * f[fb + ci * ${co}];`,
      '}',
    ]),
    'return acc;',
  ]);
}

/** Input gradient, gather form: one thread per input cell sums over the outputs its taps reach. */
function backpropInputSource(s: ConvSpec): string {
  const { f: [, kw, cig, co], y: [, oh, ow], groups } = s;
  const cog = co / groups;
  return kernelSource(['dy', 'f'], [
    ...threadCoords(s.x, ['b', 'iy', 'ix', 'ci']),
    groups === 1 ? 'const g = 0;' : `const g = Math.floor((ci + 0.5) / ${lit(cig)});`,
    `const cl = ci - g * ${cig};`,
    'let acc = 0.0;',
    ...windowOutputs(windowOf(s), [
      `const yb = ((b * ${oh} + oy) * ${ow} + ox) * ${co} + g * ${cog};`,
      `const fb = ((ky * ${kw} + kx) * ${cig} + cl) * ${co} + g * ${cog};`,
      `for (let j = 0; j < ${cog}; j++) {`,
      '  acc += dy[yb + j] * f[fb + j];',
      '}',
    ]),
    'return acc;',
  ]);
}

/** Filter gradient: one thread per filter tap sums x·dy over batch and output positions. */
function backpropFilterSource({ x: [n, h, w, c], f, y: [, oh, ow], strides: [sh, sw], pads: [pt, , pl], groups }: ConvSpec): string {
  const [, , cig, co] = f;
  const cog = co / groups;
  return kernelSource(['x', 'dy'], [
    ...threadCoords(f, ['ky', 'kx', 'ci', 'o']),
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

const conv2D: GpuOp<'Conv2D'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('Conv2D', specOf(shapes[0], shapes[1], outShape, attrs, inputs.length > 2), conv2DSource, sizeOf(outShape), inputs);

const conv2DBackpropInput: GpuOp<'Conv2DBackpropInput'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('Conv2DBackpropInput', specOf(attrs.inputShape, shapes[1], shapes[0], attrs), backpropInputSource, sizeOf(outShape), inputs);

const conv2DBackpropFilter: GpuOp<'Conv2DBackpropFilter'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('Conv2DBackpropFilter', specOf(shapes[0], attrs.filterShape, shapes[1], attrs), backpropFilterSource, sizeOf(outShape), inputs);

/** The convolution kernels. */
export const convOps: Pick<GpuOpTable, 'Conv2D' | 'Conv2DBackpropInput' | 'Conv2DBackpropFilter'> = { Conv2D: conv2D, Conv2DBackpropInput: conv2DBackpropInput, Conv2DBackpropFilter: conv2DBackpropFilter };
