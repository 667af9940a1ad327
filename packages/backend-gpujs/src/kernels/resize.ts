import { kernelSource, lit, unravel } from '../codegen.js';
import type { GpuOp } from './types.js';

interface ResizeSpec {
  /** NHWC input and output. */
  x: number[];
  y: number[];
  alignCorners: boolean;
}

const size = (d: readonly number[]) => d.reduce((p, q) => p * q, 1);

/**
 * Statements computing PyTorch's source taps of output coordinate `d` along one axis
 * (`${p}0`, `${p}1` and the weight `${p}f` of the second): with alignCorners
 * src = d·(in-1)/(out-1), else src = max((d+0.5)·in/out - 0.5, 0).
 */
function taps(d: string, inSize: number, outSize: number, alignCorners: boolean, p: string): string[] {
  const src = alignCorners
    ? outSize > 1
      ? `${d} * ${lit((inSize - 1) / (outSize - 1))}`
      : '0.0'
    : `Math.max((${d} + 0.5) * ${lit(inSize / outSize)} - 0.5, 0.0)`;
  return [
    `const ${p}s = ${src};`,
    `const ${p}0 = Math.min(Math.floor(${p}s), ${inSize - 1});`,
    `const ${p}1 = Math.min(${p}0 + 1, ${inSize - 1});`,
    `const ${p}f = ${p}s - ${p}0;`,
  ];
}

/** Forward: four taps per output pixel. */
function resizeSource({ x: [, h, w, c], y, alignCorners }: ResizeSpec): string {
  const [, oh, ow] = y;
  const u = unravel('i', y, 'o');
  const at = (row: string, col: string) => `x[((b * ${h} + ${row}) * ${w} + ${col}) * ${c} + ch]`;
  return kernelSource(['x'], [
    'const i = this.thread.x;',
    ...u.lines,
    `const b = ${u.coords[0]};`,
    `const ch = ${u.coords[3]};`,
    ...taps(u.coords[1], h, oh, alignCorners, 'y'),
    ...taps(u.coords[2], w, ow, alignCorners, 'x'),
    `const top = ${at('y0', 'x0')} * (1.0 - xf) + ${at('y0', 'x1')} * xf;`,
    `const bottom = ${at('y1', 'x0')} * (1.0 - xf) + ${at('y1', 'x1')} * xf;`,
    'return top * (1.0 - yf) + bottom * yf;',
  ]);
}

/**
 * Gradient, gather form: each input cell (iy, ix) sums wy(oy)·wx(ox)·dy over the output pixels
 * whose taps reach it. Rows whose weight is 0 skip the inner loop, so the cost per cell is
 * oh + (rows reaching it)·ow, not oh·ow.
 */
function resizeGradSource({ x, y: [, oh, ow], alignCorners }: ResizeSpec): string {
  const [, h, w, c] = x;
  const u = unravel('i', x, 'g');
  const weight = (p: string, cell: string) => `(${p}0 == ${cell} ? 1.0 - ${p}f : 0.0) + (${p}1 == ${cell} ? ${p}f : 0.0)`;
  return kernelSource(['dy'], [
    'const i = this.thread.x;',
    ...u.lines,
    `const b = ${u.coords[0]};`,
    `const iy = ${u.coords[1]};`,
    `const ix = ${u.coords[2]};`,
    `const ch = ${u.coords[3]};`,
    'let acc = 0.0;',
    `for (let oy = 0; oy < ${oh}; oy++) {`,
    ...taps('oy', h, oh, alignCorners, 'y').map((l) => `  ${l}`),
    `  const wy = ${weight('y', 'iy')};`,
    '  if (wy != 0.0) {',
    `    for (let ox = 0; ox < ${ow}; ox++) {`,
    ...taps('ox', w, ow, alignCorners, 'x').map((l) => `      ${l}`),
    `      const wx = ${weight('x', 'ix')};`,
    `      acc += wy * wx * dy[((b * ${oh} + oy) * ${ow} + ox) * ${c} + ch];`,
    '    }',
    '  }',
    '}',
    'return acc;',
  ]);
}

export const resizeBilinear: GpuOp<'ResizeBilinear'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('ResizeBilinear', { x: [...shapes[0]], y: [...outShape], alignCorners: attrs.alignCorners }, resizeSource, size(outShape), inputs);

export const resizeBilinearGrad: GpuOp<'ResizeBilinearGrad'> = ({ inputs, shapes, attrs, outShape, runner }) =>
  runner.run('ResizeBilinearGrad', { x: [...outShape], y: [...shapes[0]], alignCorners: attrs.alignCorners }, resizeGradSource, size(outShape), inputs);
