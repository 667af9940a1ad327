import { aroundAxis, sizeOf, stridesOf } from '../../tensor/shape.js';
import { ensure, forEachIndex, type RefArray } from './array.js';

/** out[i0..] = x[...] with out axis k being x axis perm[k]. */
export function refTranspose(x: RefArray, perm: readonly number[]): RefArray {
  ensure(perm.length === x.shape.length && [...perm].sort((p, q) => p - q).every((p, i) => p === i), 'Transpose',
    `perm [${perm.join(',')}] is not a permutation of rank ${x.shape.length}`);
  const xs = stridesOf(x.shape);
  const shape = perm.map((p) => x.shape[p]);
  const out = new Float64Array(x.data.length);
  forEachIndex(shape, (flat, idx) => {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += idx[k] * xs[perm[k]];
    out[flat] = x.data[src];
  });
  return { shape, data: out };
}

/** Same values, new shape. */
export function refReshape(x: RefArray, shape: readonly number[]): RefArray {
  ensure(sizeOf(shape) === x.data.length, 'Reshape', `cannot reshape [${x.shape.join(',')}] to [${shape.join(',')}]`);
  return { shape: [...shape], data: Float64Array.from(x.data) };
}

/** Concatenation along `axis`. */
export function refConcat(xs: readonly RefArray[], axis: number): RefArray {
  ensure(xs.length >= 1, 'Concat', 'needs at least one input');
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const [outer, total, inner] = aroundAxis(shape, axis);
  const out = new Float64Array(sizeOf(shape));
  let offset = 0;
  for (const x of xs) {
    ensure(x.shape.length === shape.length && x.shape.every((d, i) => i === axis || d === shape[i]), 'Concat',
      'shapes differ outside the axis');
    const len = x.shape[axis];
    for (let o = 0; o < outer; o++)
      for (let a = 0; a < len; a++)
        for (let i = 0; i < inner; i++) out[(o * total + offset + a) * inner + i] = x.data[(o * len + a) * inner + i];
    offset += len;
  }
  return { shape, data: out };
}

/** The block x[begin : begin + size]. */
export function refSlice(x: RefArray, begin: readonly number[], size: readonly number[]): RefArray {
  ensure(begin.every((b, i) => b >= 0 && b + size[i] <= x.shape[i]), 'Slice', 'out of bounds');
  const xs = stridesOf(x.shape);
  const out = new Float64Array(sizeOf(size));
  forEachIndex(size, (flat, idx) => {
    let src = 0;
    for (let k = 0; k < idx.length; k++) src += (begin[k] + idx[k]) * xs[k];
    out[flat] = x.data[src];
  });
  return { shape: [...size], data: out };
}

/** Constant padding; pads[i] = [before, after] along axis i. */
export function refPad(x: RefArray, pads: readonly (readonly [number, number])[], value: number): RefArray {
  ensure(pads.length === x.shape.length, 'Pad', `needs ${x.shape.length} [before, after] pairs`);
  const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const os = stridesOf(shape);
  const out = new Float64Array(sizeOf(shape)).fill(value);
  forEachIndex(x.shape, (flat, idx) => {
    let dst = 0;
    for (let k = 0; k < idx.length; k++) dst += (idx[k] + pads[k][0]) * os[k];
    out[dst] = x.data[flat];
  });
  return { shape, data: out };
}

/** out[..., j, ...] = x[..., indices[j], ...] along `axis`. */
export function refGather(x: RefArray, indices: readonly number[], axis: number): RefArray {
  const [outer, len, inner] = aroundAxis(x.shape, axis);
  ensure(indices.every((i) => Number.isInteger(i) && i >= 0 && i < len), 'Gather', `indices must be in [0, ${len})`);
  const shape = x.shape.map((d, i) => (i === axis ? indices.length : d));
  const out = new Float64Array(sizeOf(shape));
  for (let o = 0; o < outer; o++)
    indices.forEach((src, j) => {
      for (let i = 0; i < inner; i++) out[(o * indices.length + j) * inner + i] = x.data[(o * len + src) * inner + i];
    });
  return { shape, data: out };
}

/** out (with `size` slots along `axis`) starts at zero; out[..., indices[j], ...] += x[..., j, ...]. */
export function refScatterAdd(x: RefArray, indices: readonly number[], axis: number, size: number): RefArray {
  const [outer, len, inner] = aroundAxis(x.shape, axis);
  ensure(indices.length === len, 'ScatterAdd', `needs ${len} indices, got ${indices.length}`);
  ensure(indices.every((i) => Number.isInteger(i) && i >= 0 && i < size), 'ScatterAdd', `indices must be in [0, ${size})`);
  const shape = x.shape.map((d, i) => (i === axis ? size : d));
  const out = new Float64Array(sizeOf(shape));
  for (let o = 0; o < outer; o++)
    indices.forEach((dst, j) => {
      for (let i = 0; i < inner; i++) out[(o * size + dst) * inner + i] += x.data[(o * len + j) * inner + i];
    });
  return { shape, data: out };
}
