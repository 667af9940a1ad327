import { describe, expect, it } from 'vitest';
import { sizeOf, stridesOf } from '@msflow/core';
import { lit, offset, unravel } from '../src/kernels/codegen.js';

/** Evaluates generated statements in plain JavaScript (the sources are JavaScript too). */
function evalCoords(dims: number[], i: number): number[] {
  const { lines, coords } = unravel('i', dims, 'c');
  const body = `${lines.join('\n')}\nreturn [${coords.join(', ')}];`;
  return new Function('i', body)(i) as number[];
}

describe('codegen', () => {
  it('unravels every flat index of assorted shapes', () => {
    for (const dims of [[2, 3, 4], [1, 5, 1, 3], [7], [1, 1], [3, 1, 2, 1, 2], [1]]) {
      const strides = stridesOf(dims);
      const n = sizeOf(dims);
      for (let i = 0; i < n; i++) {
        const c = evalCoords(dims, i);
        expect(c.reduce((s, v, k) => s + v * strides[k], 0), `${dims} @ ${i}`).toBe(i);
        c.forEach((v, k) => expect(v >= 0 && v < dims[k]).toBe(true));
      }
    }
  });

  it('writes float literals gpu.js cannot mistake for integers', () => {
    expect(lit(2)).toBe('2.0');
    expect(lit(-1.5)).toBe('-1.5');
    expect(lit(1e-30)).toBe('1e-30');
    expect(lit(Infinity)).toBe('(1e30 * 1e30)');
  });

  it('drops zero coordinates and strides from offsets', () => {
    expect(offset(['a', '0', 'c'], [12, 4, 1])).toBe('a * 12 + c');
    expect(offset(['0'], [1])).toBe('0');
    expect(offset(['a', 'b'], [0, 3], '7')).toBe('7 + b * 3');
  });
});
