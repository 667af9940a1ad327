import { Rng } from '@msflow/core';

/** A shift in whole pixels: content moves `dy` down and `dx` right. */
export type Shift = readonly [dy: number, dx: number];

/**
 * Translates a batch of interleaved images (NHWC, any channel count) by a shift per image, in
 * place. Borders are filled by repeating the edge pixel, not with zeros: a zero border would be
 * a synthetic edge the flows would learn as normal.
 *
 * @example
 * ```ts
 * const batch = new Float32Array(2 * 32 * 32 * 3);
 * translateImages(batch, [32, 32, 3], [[2, -1], [0, 0]]); // first image: 2 px down, 1 px left
 * ```
 */
export function translateImages(images: Float32Array | Uint8Array, [h, w, c]: readonly [number, number, number], shifts: readonly Shift[]): void {
  const per = h * w * c;
  if (images.length !== shifts.length * per) throw new Error(`translateImages: ${images.length} values are not ${shifts.length} images of ${h}x${w}x${c}`);
  const row = w * c;
  const src = images.slice(0, per); // scratch copy of one image, of the same element type
  shifts.forEach(([dy, dx], n) => {
    if (dy === 0 && dx === 0) return;
    const img = images.subarray(n * per, (n + 1) * per);
    src.set(img);
    for (let y = 0; y < h; y++) {
      const sy = Math.min(h - 1, Math.max(0, y - dy));
      for (let x = 0; x < w; x++) {
        const sx = Math.min(w - 1, Math.max(0, x - dx));
        const from = sy * row + sx * c;
        const to = y * row + x * c;
        for (let k = 0; k < c; k++) img[to + k] = src[from + k];
      }
    }
  });
}

/**
 * Seeded random shifts for `count` images: each `dy`, `dx` uniform over the integers within
 * ±`fraction` of the height and width. One draw per (seed, round): a training run gets fresh
 * shifts every meta-epoch, and a resumed run the same ones.
 *
 * @example
 * ```ts
 * randomShifts(4, [192, 192], 0.05, { seed: 9826, round: 0 }); // four [dy, dx] within ±10 px
 * ```
 */
export function randomShifts(count: number, [h, w]: readonly [number, number], fraction: number, { seed, round }: { seed: number; round: number }): Shift[] {
  if (!(fraction >= 0 && fraction < 0.5)) throw new Error(`randomShifts: fraction must be in [0, 0.5), got ${fraction}`);
  // A generator of its own, apart from the model's (init, shuffling): turning translation on
  // leaves the rest of the run's random stream as it was.
  const rng = new Rng(seed * 65536 + 0x5eed + round);
  const my = Math.round(fraction * h);
  const mx = Math.round(fraction * w);
  const pick = (m: number) => rng.int(2 * m + 1) - m;
  return Array.from({ length: count }, () => [pick(my), pick(mx)] as const);
}
