import { engine } from '../engine/engine.js';
import { check, fmt, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Reshapes without moving data; one dimension may be -1 (inferred).
 *
 * @example
 * ```ts
 * const flat = reshape(x, [x.shape[0], -1]);
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((d) => d !== -1);
  const holes = shape.length - known.length;
  check(holes <= 1, 'reshape', `at most one -1 is allowed in ${fmt(shape)}`);
  let resolved = [...shape];
  if (holes === 1) {
    const rest = sizeOf(known);
    check(rest > 0 && x.size % rest === 0, 'reshape', `cannot reshape ${fmt(x.shape)} to ${fmt(shape)}`);
    resolved = shape.map((d) => (d === -1 ? x.size / rest : d));
  }
  if (resolved.length === x.rank && resolved.every((d, i) => d === x.shape[i])) return x;
  return engine.runKernel('Reshape', [x], { shape: resolved });
}

/** Permutes axes; the default reverses them. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ? [...perm] : [...Array(x.rank).keys()].reverse();
  if (p.every((v, i) => v === i)) return x;
  return engine.runKernel('Transpose', [x], { perm: p });
}

/** Concatenates along `axis` (negative counts from the end). */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  check(xs.length > 0, 'concat', 'needs at least one tensor');
  if (xs.length === 1) return xs[0];
  const a = axis < 0 ? axis + xs[0].rank : axis;
  return engine.runKernel('Concat', xs, { axis: a });
}

/** Extracts a block; a size of -1 runs to the end of that axis. */
export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  check(begin.length === x.rank && size.length === x.rank, 'slice', `begin and size must have rank ${x.rank}`);
  const s = size.map((d, i) => (d === -1 ? x.shape[i] - begin[i] : d));
  if (begin.every((b) => b === 0) && s.every((d, i) => d === x.shape[i])) return x;
  return engine.runKernel('Slice', [x], { begin: [...begin], size: s });
}

/** Channels [start, start+count) of the last axis. */
export function sliceLast(x: Tensor, start: number, count: number): Tensor {
  const begin = x.shape.map((_, i) => (i === x.rank - 1 ? start : 0));
  const size = x.shape.map((d, i) => (i === x.rank - 1 ? count : d));
  return slice(x, begin, size);
}

/** Splits the last axis into parts of the given sizes. */
export function splitLast(x: Tensor, sizes: readonly number[]): Tensor[] {
  const c = x.shape[x.rank - 1];
  check(sizes.reduce((p, q) => p + q, 0) === c, 'splitLast', `sizes [${sizes.join(',')}] do not add up to ${c}`);
  let start = 0;
  return sizes.map((n) => {
    const part = sliceLast(x, start, n);
    start += n;
    return part;
  });
}

/** Indices along one axis of length n padded by [before, after] with reflection (no edge repeat). */
export function reflectIndices(n: number, before: number, after: number): number[] {
  check(before < n && after < n, 'pad', `reflect padding (${before}, ${after}) must be smaller than the axis length ${n}`);
  const out: number[] = [];
  for (let i = -before; i < n + after; i++) out.push(i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
  return out;
}

/**
 * Pads each axis by [before, after]: `constant` fills with `value`; `reflect` mirrors without
 * repeating the edge (PyTorch/NumPy 'reflect'), composed from Gather so it stays differentiable.
 */
export function pad(
  x: Tensor,
  pads: readonly (readonly [number, number])[],
  mode: 'constant' | 'reflect' = 'constant',
  value = 0,
): Tensor {
  check(pads.length === x.rank, 'pad', `needs ${x.rank} [before, after] pairs, got ${pads.length}`);
  if (pads.every(([p, q]) => p === 0 && q === 0)) return x;
  if (mode === 'constant') return engine.runKernel('Pad', [x], { pads: pads.map(([p, q]) => [p, q] as [number, number]), value });
  let y = x;
  pads.forEach(([p, q], axis) => {
    if (p > 0 || q > 0) y = gather(y, reflectIndices(x.shape[axis], p, q), axis);
  });
  return y;
}

/** Picks `indices` along `axis` (a channel permutation when axis is last). */
export function gather(x: Tensor, indices: readonly number[], axis: number): Tensor {
  const a = axis < 0 ? axis + x.rank : axis;
  return engine.runKernel('Gather', [x], { axis: a, indices: [...indices] });
}

/** Adds slice j of `x` into slot indices[j] of a zero tensor with `size` slots along `axis`. */
export function scatterAdd(x: Tensor, indices: readonly number[], axis: number, size: number): Tensor {
  const a = axis < 0 ? axis + x.rank : axis;
  return engine.runKernel('ScatterAdd', [x], { axis: a, indices: [...indices], size });
}
