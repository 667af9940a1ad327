import { describe, expect, it } from 'vitest';
import { randomShifts, translateImages } from '../src/index.js';

/** A 2-channel h x w image whose pixel (y, x) holds [y, x]: every value names its source. */
function coordImage(h: number, w: number): Float32Array {
  const a = new Float32Array(h * w * 2);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) a.set([y, x], (y * w + x) * 2);
  return a;
}

describe('translateImages', () => {
  it('moves content by (dy, dx) and repeats the edge pixel into the uncovered border', () => {
    const [h, w] = [5, 7];
    const batch = new Float32Array([...coordImage(h, w), ...coordImage(h, w)]);
    translateImages(batch, [h, w, 2], [[2, -3], [0, 0]]);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const at = (y * w + x) * 2;
        // Output (y, x) comes from source (y - dy, x - dx), clamped to the image.
        expect([batch[at], batch[at + 1]]).toEqual([Math.max(0, y - 2), Math.min(w - 1, x + 3)]);
        expect([batch[h * w * 2 + at], batch[h * w * 2 + at + 1]]).toEqual([y, x]); // zero shift: untouched
      }
    }
  });

  it('keeps 8-bit images 8-bit and rejects a batch of the wrong length', () => {
    const img = Uint8Array.from([1, 2, 3, 4]); // 1x4, one channel
    translateImages(img, [1, 4, 1], [[0, 1]]);
    expect([...img]).toEqual([1, 1, 2, 3]);
    expect(() => translateImages(img, [1, 4, 1], [[0, 1], [0, 0]])).toThrow(/4 values are not 2 images of 1x4x1/);
  });
});

describe('randomShifts', () => {
  it('is reproducible from (seed, round), differs across rounds, and stays within ±fraction of each side', () => {
    const a = randomShifts(500, [200, 100], 0.05, { seed: 3, round: 1 });
    expect(randomShifts(500, [200, 100], 0.05, { seed: 3, round: 1 })).toEqual(a);
    expect(randomShifts(500, [200, 100], 0.05, { seed: 3, round: 2 })).not.toEqual(a);
    expect(randomShifts(500, [200, 100], 0.05, { seed: 4, round: 1 })).not.toEqual(a);
    const dys = a.map((s) => s[0]);
    const dxs = a.map((s) => s[1]);
    // ±10 rows and ±5 columns, every value of the range reached over 500 draws.
    expect(new Set(dys).size).toBe(21);
    expect([Math.min(...dys), Math.max(...dys)]).toEqual([-10, 10]);
    expect([Math.min(...dxs), Math.max(...dxs)]).toEqual([-5, 5]);
    expect(randomShifts(3, [64, 64], 0, { seed: 1, round: 0 })).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(() => randomShifts(1, [64, 64], 0.5, { seed: 1, round: 0 })).toThrow(/fraction must be in \[0, 0.5\)/);
  });
});
