import type { Rng } from '../../random/rng.js';
import { randomArray } from '../random.js';
import { EXACT, sumTolerance } from './tolerances.js';
import type { ForwardCase } from './types.js';

export function transposeCases(rng: Rng): ForwardCase<'Transpose'>[] {
  const geometries: [string, number[], number[]][] = [
    ['rotate-rank3', [2, 3, 4], [2, 0, 1]],
    ['nhwc-to-nchw', [2, 3, 4, 5], [0, 3, 1, 2]],
    ['matrix', [3, 5], [1, 0]],
    ['identity', [2, 3, 2], [0, 1, 2]],
    ['reverse-rank5', [2, 1, 3, 2, 3], [4, 3, 2, 1, 0]],
  ];
  return geometries.map(([label, shape, perm]) => ({
    id: `Transpose/${label}`, kernel: 'Transpose', inputs: [randomArray(rng, shape)], attrs: { perm }, tolerance: EXACT,
  }));
}

export function reshapeCases(rng: Rng): ForwardCase<'Reshape'>[] {
  const geometries: [string, number[], number[]][] = [
    ['merge', [2, 3, 4], [6, 4]],
    ['add-unit-axes', [5], [1, 5, 1]],
    ['scalar-to-vector', [], [1]],
    ['split', [2, 6], [3, 2, 2]],
  ];
  return geometries.map(([label, from, shape]) => ({
    id: `Reshape/${label}`, kernel: 'Reshape', inputs: [randomArray(rng, from)], attrs: { shape }, tolerance: EXACT,
  }));
}

export function concatCases(rng: Rng): ForwardCase<'Concat'>[] {
  const geometries: [string, number[][], number][] = [
    ['channels-3-parts', [[2, 3, 2, 1], [2, 3, 2, 4], [2, 3, 2, 2]], 3],
    ['axis0', [[1, 3], [3, 3]], 0],
    ['middle-axis', [[2, 1, 3], [2, 4, 3], [2, 2, 3]], 1],
    ['single-input', [[3, 2]], 1],
    ['rank1', [[3], [5]], 0],
  ];
  return geometries.map(([label, shapes, axis]) => ({
    id: `Concat/${label}`, kernel: 'Concat', inputs: shapes.map((s) => randomArray(rng, s)), attrs: { axis }, tolerance: EXACT,
  }));
}

export function sliceCases(rng: Rng): ForwardCase<'Slice'>[] {
  const geometries: [string, number[], number[], number[]][] = [
    ['interior', [4, 5, 6], [1, 0, 2], [2, 5, 3]],
    ['full', [3, 4], [0, 0], [3, 4]],
    ['single-element', [3, 4, 5], [2, 3, 4], [1, 1, 1]],
    ['channels', [2, 3, 3, 7], [0, 0, 0, 2], [2, 3, 3, 4]],
    ['spatial-crop', [1, 6, 5, 2], [0, 1, 2, 0], [1, 4, 2, 2]],
  ];
  return geometries.map(([label, shape, begin, size]) => ({
    id: `Slice/${label}`, kernel: 'Slice', inputs: [randomArray(rng, shape)], attrs: { begin, size }, tolerance: EXACT,
  }));
}

export function padCases(rng: Rng): ForwardCase<'Pad'>[] {
  // Pad values are float32-exact, so the comparison can stay bit-exact.
  const geometries: [string, number[], [number, number][], number][] = [
    ['mixed', [2, 3, 4], [[1, 0], [0, 2], [1, 1]], 0],
    ['spatial-value', [1, 3, 4, 2], [[0, 0], [2, 1], [1, 3], [0, 0]], -1.5],
    ['rank1-value', [4], [[3, 2]], 0.25],
    ['channels', [2, 2, 2, 3], [[0, 0], [0, 0], [0, 0], [2, 1]], 0],
  ];
  return geometries.map(([label, shape, pads, value]) => ({
    id: `Pad/${label}`, kernel: 'Pad', inputs: [randomArray(rng, shape)], attrs: { pads, value }, tolerance: EXACT,
  }));
}

export function gatherCases(rng: Rng): ForwardCase<'Gather'>[] {
  const geometries: [string, number[], number, number[]][] = [
    ['channels-repeated', [2, 3, 3, 4], 3, [2, 0, 2, 1, 2, 3, 0]],
    ['axis0', [4, 3], 0, [3, 3, 0]],
    ['reflect-rows', [1, 4, 3, 2], 1, [2, 1, 0, 1, 2, 3, 2, 1]],
    ['permutation', [2, 6], 1, [4, 1, 5, 0, 3, 2]],
    ['single-index', [3, 5, 2], 1, [4]],
  ];
  return geometries.map(([label, shape, axis, indices]) => ({
    id: `Gather/${label}`, kernel: 'Gather', inputs: [randomArray(rng, shape)], attrs: { axis, indices }, tolerance: EXACT,
  }));
}

export function scatterAddCases(rng: Rng): ForwardCase<'ScatterAdd'>[] {
  const geometries: [string, number[], number, number[], number][] = [
    ['channels-repeated', [2, 3, 3, 7], 3, [2, 0, 2, 1, 2, 3, 0], 4],
    ['axis0', [3, 3], 0, [3, 3, 0], 4],
    ['reflect-rows', [1, 8, 3, 2], 1, [2, 1, 0, 1, 2, 3, 2, 1], 4],
    ['unfilled-slots', [2, 2], 1, [4, 1], 6],
  ];
  return geometries.map(([label, shape, axis, indices, size]) => {
    const hits = Math.max(...indices.map((i) => indices.filter((j) => j === i).length));
    return {
      id: `ScatterAdd/${label}`, kernel: 'ScatterAdd', inputs: [randomArray(rng, shape)], attrs: { axis, indices, size },
      tolerance: hits > 1 ? sumTolerance(hits) : EXACT,
    };
  });
}

export function topKMeanCases(rng: Rng): ForwardCase<'TopKMean'>[] {
  const geometries: [string, number[], number][] = [
    ['k3', [2, 3, 10], 3],
    ['k1-is-max', [4, 6], 1],
    ['k-all-is-mean', [3, 5], 5],
    ['rank1', [17], 5],
  ];
  const cases: ForwardCase<'TopKMean'>[] = geometries.map(([label, shape, k]) => ({
    id: `TopKMean/${label}`, kernel: 'TopKMean', inputs: [randomArray(rng, shape, { lo: -3, hi: 3 })], attrs: { k }, tolerance: sumTolerance(k, 3),
  }));
  // Repeated values: the k largest count duplicates individually.
  const ties = randomArray(rng, [2, 8], { lo: -1, hi: 1 });
  for (let i = 0; i < ties.data.length; i += 2) ties.data[i + 1] = ties.data[i];
  cases.push({ id: 'TopKMean/ties', kernel: 'TopKMean', inputs: [ties], attrs: { k: 3 }, tolerance: sumTolerance(3) });
  return cases;
}
