// Host-side kernel geometry and shape helpers: the one statement of each rule the backends use.
import { describe, expect, it } from 'vitest';
import {
  aroundAxis, axisToFront, bilinearTaps, broadcastStrides, interpolationMatrix, inversePermutation, poolDivisor, windowOut, windowSpan,
} from '@msflow/core';

describe('bilinear interpolation (PyTorch rule)', () => {
  it('aligns cell centres by default and clamps at the edges', () => {
    expect(bilinearTaps(2, 4, false)).toEqual([
      { i0: 0, i1: 1, frac: 0 },
      { i0: 0, i1: 1, frac: 0.25 },
      { i0: 0, i1: 1, frac: 0.75 },
      { i0: 1, i1: 1, frac: 0.25 },
    ]);
    // Downsampling by 2: output d reads between input 2d and 2d+1.
    expect(bilinearTaps(4, 2, false).map((t) => [t.i0, t.frac])).toEqual([[0, 0.5], [2, 0.5]]);
  });

  it('maps the corners onto each other with alignCorners', () => {
    expect(bilinearTaps(3, 5, true).map((t) => t.i0 + t.frac)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(bilinearTaps(3, 1, true)).toEqual([{ i0: 0, i1: 1, frac: 0 }]);
  });

  it('builds matrices whose rows sum to one and agree with the taps', () => {
    for (const [inSize, outSize, align] of [[5, 9, false], [9, 4, true], [3, 1, false], [1, 4, true]] as const) {
      const m = interpolationMatrix(inSize, outSize, align);
      const taps = bilinearTaps(inSize, outSize, align);
      for (let d = 0; d < outSize; d++) {
        const row = Array.from(m.subarray(d * inSize, (d + 1) * inSize));
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
        expect(row[taps[d].i1]).toBeCloseTo(taps[d].i0 === taps[d].i1 ? 1 : taps[d].frac, 6);
      }
    }
  });
});

describe('windows', () => {
  it('clips a window to the input and counts its cells', () => {
    expect(windowSpan(0, 5, 3, 2, 1)).toEqual([0, 2]);
    expect(windowSpan(2, 5, 3, 2, 1)).toEqual([3, 5]);
    expect(windowOut(5, 3, 2, 1, 1)).toBe(3);
    expect(poolDivisor([3, 3], [0, 2], [1, 4], false)).toBe(6);
    expect(poolDivisor([3, 3], [0, 2], [1, 4], true)).toBe(9);
  });
});

describe('shape helpers', () => {
  it('views a shape around an axis and reads broadcast strides', () => {
    expect(aroundAxis([2, 3, 4, 5], 1)).toEqual([2, 3, 20]);
    expect(aroundAxis([7], 0)).toEqual([1, 7, 1]);
    expect(broadcastStrides([3, 1], [2, 3, 4])).toEqual([0, 1, 0]);
    expect(broadcastStrides([2, 3], [2, 3])).toEqual([3, 1]);
  });

  it('moves an axis to the front and back', () => {
    const perm = axisToFront(4, 2);
    expect(perm).toEqual([2, 0, 1, 3]);
    const inverse = inversePermutation(perm);
    expect(perm.map((_, i) => perm[inverse[i]])).toEqual([0, 1, 2, 3]);
  });
});
