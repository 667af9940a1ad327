import { beforeAll, describe, expect, it } from 'vitest';
import { dispose, positionalEncoding, positionalEncodingArray } from '@msflow/core';
import { useReferenceBackend } from '@msflow/core/testing';

beforeAll(() => useReferenceBackend());

describe('positional encoding (spec §3.2)', () => {
  it('puts sin/cos of the column in channels 0-31 and of the row in 32-63, ω_j = 10000^(−2j/32)', () => {
    const h = 5;
    const w = 7;
    const pe = positionalEncodingArray(h, w, 64);
    expect(pe.length).toBe(h * w * 64);
    for (const [y, x] of [[0, 0], [3, 6], [4, 2]]) {
      const at = (c: number) => pe[(y * w + x) * 64 + c];
      for (let j = 0; j < 16; j++) {
        const omega = Math.pow(10000, (-2 * j) / 32);
        expect(at(2 * j)).toBeCloseTo(Math.sin(x * omega), 6);
        expect(at(2 * j + 1)).toBeCloseTo(Math.cos(x * omega), 6);
        expect(at(32 + 2 * j)).toBeCloseTo(Math.sin(y * omega), 6);
        expect(at(33 + 2 * j)).toBeCloseTo(Math.cos(y * omega), 6);
      }
    }
    // Integer positions: column 1 at the highest frequency is sin(1).
    expect(pe[(0 * w + 1) * 64]).toBeCloseTo(Math.sin(1), 6);
  });

  it('is an NHWC tensor repeated over the batch', () => {
    const t = positionalEncoding(2, 3, 8, 2);
    expect(t.shape).toEqual([2, 2, 3, 8]);
    const d = t.dataSync();
    const one = positionalEncodingArray(2, 3, 8);
    one.forEach((v, i) => {
      expect(d[i]).toBeCloseTo(v, 12);
      expect(d[one.length + i]).toBeCloseTo(v, 12);
    });
    dispose(t);
  });

  it('needs a multiple of 4 channels', () => {
    expect(() => positionalEncodingArray(2, 2, 6)).toThrow(/multiple of 4/);
  });
});
