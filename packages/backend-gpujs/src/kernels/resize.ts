import { bilinearTaps, interpolationMatrix, sizeOf } from '@msflow/core';
import { kernelSource, threadCoords } from './codegen.js';
import type { GpuOp, GpuOpTable } from './types.js';

/**
 * Bilinear resize and its adjoint. The interpolation weights are core's (PyTorch's rule),
 * computed on the host and passed as a table argument, so this file states no coordinate rule.
 */
interface ResizeSpec {
  /** NHWC input and output. */
  x: number[];
  y: number[];
}

/** Forward table: [i0, i1, frac] per output row, then per output column. */
function tapTable(h: number, w: number, oh: number, ow: number, alignCorners: boolean): Float32Array {
  return Float32Array.from([...bilinearTaps(h, oh, alignCorners), ...bilinearTaps(w, ow, alignCorners)].flatMap((t) => [t.i0, t.i1, t.frac]));
}

/** Forward: four taps per output pixel, read from the table. */
function resizeSource({ x: [, h, w, c], y }: ResizeSpec): string {
  const oh = y[1];
  const at = (row: string, col: string) => `x[((b * ${h} + ${row}) * ${w} + ${col}) * ${c} + ch]`;
  return kernelSource(['x', 'tab'], [
    ...threadCoords(y, ['b', 'oy', 'ox', 'ch']),
    'const y0 = tab[oy * 3]; const y1 = tab[oy * 3 + 1]; const yf = tab[oy * 3 + 2];',
    `const tx = (${oh} + ox) * 3;`,
    'const x0 = tab[tx]; const x1 = tab[tx + 1]; const xf = tab[tx + 2];',
    `const top = ${at('y0', 'x0')} * (1.0 - xf) + ${at('y0', 'x1')} * xf;`,
    `const bottom = ${at('y1', 'x0')} * (1.0 - xf) + ${at('y1', 'x1')} * xf;`,
    'return top * (1.0 - yf) + bottom * yf;',
  ]);
}

/**
 * Gradient, gather form over the interpolation matrices Rh [oh, h] and Rw [ow, w] (one table):
 * each input cell sums Rh[oy, iy]·Rw[ox, ix]·dy over the outputs. Rows whose weight is 0 skip
 * the inner loop, so the cost per cell is oh + (rows reaching it)·ow, not oh·ow.
 */
function resizeGradSource({ x, y: [, oh, ow] }: ResizeSpec): string {
  const [, h, w, c] = x;
  return kernelSource(['dy', 'tab'], [
    ...threadCoords(x, ['b', 'iy', 'ix', 'ch']),
    'let acc = 0.0;',
    `for (let oy = 0; oy < ${oh}; oy++) {`,
    `  const wy = tab[oy * ${h} + iy];`,
    '  if (wy != 0.0) {',
    `    for (let ox = 0; ox < ${ow}; ox++) {`,
    `      acc += wy * tab[${oh * h} + ox * ${w} + ix] * dy[((b * ${oh} + oy) * ${ow} + ox) * ${c} + ch];`,
    '    }',
    '  }',
    '}',
    'return acc;',
  ]);
}

const resizeBilinear: GpuOp<'ResizeBilinear'> = ({ inputs, shapes, attrs, outShape, runner }) => {
  const [[, h, w], [, oh, ow]] = [shapes[0], outShape];
  const table = tapTable(h, w, oh, ow, attrs.alignCorners);
  return runner.run('ResizeBilinear', { x: [...shapes[0]], y: [...outShape] }, resizeSource, sizeOf(outShape), [inputs[0], table]);
};

const resizeBilinearGrad: GpuOp<'ResizeBilinearGrad'> = ({ inputs, shapes, attrs, outShape, runner }) => {
  const [[, oh, ow], [, h, w]] = [shapes[0], outShape];
  const table = Float32Array.from([...interpolationMatrix(h, oh, attrs.alignCorners), ...interpolationMatrix(w, ow, attrs.alignCorners)]);
  return runner.run('ResizeBilinearGrad', { x: [...outShape], y: [...shapes[0]] }, resizeGradSource, sizeOf(outShape), [inputs[0], table]);
};

/** Bilinear resize and its adjoint. */
export const resizeOps: Pick<GpuOpTable, 'ResizeBilinear' | 'ResizeBilinearGrad'> = { ResizeBilinear: resizeBilinear, ResizeBilinearGrad: resizeBilinearGrad };
