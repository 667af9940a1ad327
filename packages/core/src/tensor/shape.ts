/** Shape helpers shared by kernel declarations and ops. All shapes are row-major, NHWC for images. */

/** Thrown for any shape or argument mismatch; the message names the op and what was expected. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * A shape viewed as [outer, axis length, inner] element counts around one axis: the view that
 * concatenation, gather and scatter kernels index with.
 *
 * @example
 * ```ts
 * aroundAxis([2, 3, 4, 5], 1); // [2, 3, 20]
 * ```
 */
export function aroundAxis(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function fmt(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Throws a ShapeError `op: message` unless `cond` holds. */
export function check(cond: unknown, op: string, message: string): asserts cond {
  if (!cond) throw new ShapeError(`${op}: ${message}`);
}

/** Validates a user-supplied shape: non-negative integers. */
export function checkShape(shape: Shape, op: string): void {
  check(
    shape.every((d) => Number.isInteger(d) && d >= 0),
    op,
    `shape ${fmt(shape)} must contain non-negative integers`,
  );
}

/** NumPy broadcasting of two shapes; throws naming the op when incompatible. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    check(da === db || da === 1 || db === 1, op, `cannot broadcast ${fmt(a)} with ${fmt(b)}`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides of `shape` read at the coordinates of the broadcast shape `outShape` (right-aligned,
 * NumPy rules): 0 along every axis `shape` is broadcast over.
 *
 * @example
 * ```ts
 * broadcastStrides([3, 1], [2, 3, 4]); // [0, 1, 0]
 * ```
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const lead = outShape.length - shape.length;
  return outShape.map((d, i) => (i < lead || (shape[i - lead] === 1 && d !== 1) ? 0 : own[i - lead]));
}

/**
 * The permutation moving `axis` to the front, the others keeping their order.
 *
 * @example
 * ```ts
 * axisToFront(4, 2); // [2, 0, 1, 3]
 * ```
 */
export function axisToFront(rank: number, axis: number): number[] {
  return [axis, ...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis)];
}

/** The permutation undoing `perm`: `transpose(transpose(x, perm), inversePermutation(perm))` is x. */
export function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return inverse;
}

/** Normalises possibly negative axes against a rank, sorted and de-duplicated. */
export function normalizeAxes(axes: number | readonly number[] | undefined, rank: number, op: string): number[] {
  const list = axes === undefined ? [...Array(rank).keys()] : typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => {
    const n = a < 0 ? a + rank : a;
    check(Number.isInteger(n) && n >= 0 && n < rank, op, `axis ${a} is out of range for rank ${rank}`);
    return n;
  });
  return [...new Set(out)].sort((x, y) => x - y);
}

/** Output size of a strided window along one axis. */
export function windowOut(size: number, kernel: number, stride: number, padBefore: number, padAfter: number): number {
  return Math.floor((size + padBefore + padAfter - kernel) / stride) + 1;
}
