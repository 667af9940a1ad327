import type { FeatureSet, FeatureSource } from '@msflow/core';
import { Rng } from '@msflow/core';

/**
 * The images `indices` of a feature set: a new set (copies) for features in memory, a view for a
 * disk cache (rows are still read on demand).
 *
 * @example
 * ```ts
 * const val = subsetFeatures(train, [3, 7]);
 * ```
 */
export function subsetFeatures(set: FeatureSet | FeatureSource, indices: readonly number[]): FeatureSet | FeatureSource {
  if ('read' in set) {
    return { count: indices.length, shapes: set.shapes, read: (scale, rows) => set.read(scale, rows.map((i) => indices[i])) };
  }
  return {
    count: indices.length,
    scales: set.scales.map(({ shape, data }) => {
      const per = shape[0] * shape[1] * shape[2];
      const out = new Float32Array(indices.length * per);
      indices.forEach((i, j) => out.set(data.subarray(i * per, (i + 1) * per), j * per));
      return { shape, data: out };
    }),
  };
}

/**
 * A seeded split of `count` images into training and held-out validation indices (at least one
 * of each when `fraction` > 0), both sorted. The same seed always gives the same split, so a
 * resumed run trains on the same images.
 *
 * @example
 * ```ts
 * splitIndices(10, 0.2, 9826); // { train: [8 indices], validation: [2 indices] }
 * ```
 */
export function splitIndices(count: number, fraction: number, seed: number): { train: number[]; validation: number[] } {
  const all = [...Array(count).keys()];
  if (fraction <= 0 || count < 2) return { train: all, validation: [] };
  const n = Math.min(count - 1, Math.max(1, Math.round(count * fraction)));
  const order = new Rng(seed ^ 0x5eed).permutation(count);
  const held = new Set(order.slice(0, n));
  return { train: all.filter((i) => !held.has(i)), validation: all.filter((i) => held.has(i)) };
}

/**
 * The split a run trains and sets its threshold with: {@link splitIndices}, except that the
 * default fraction (`chosen` false) holds nothing out of a set too small to hold out 2 images,
 * since one held-out image cannot set a false-positive rate; the threshold then comes from the
 * training images' own scores, and `note` says so.
 *
 * @example
 * ```ts
 * normalSplit(6, 0.2, 0, false); // { valSplit: 0, train: [0..5], validation: [], note: '6 training images are too few ...' }
 * ```
 */
export function normalSplit(count: number, valSplit: number, seed: number, chosen: boolean): { valSplit: number; train: number[]; validation: number[]; note?: string } {
  const split = splitIndices(count, valSplit, seed);
  if (chosen || split.validation.length === 0 || split.validation.length >= 2) return { valSplit, ...split };
  return {
    valSplit: 0,
    ...splitIndices(count, 0, seed),
    note: `${count} training images are too few to hold ${valSplit * 100}% out (the threshold needs at least 2): it comes from the training images' own scores (optimistic)`,
  };
}
