/**
 * The value type of the float64 reference kernels and a few index helpers they share. The
 * helpers are deliberately plain: the references exist to be obviously correct, not fast.
 */
import { sizeOf } from '../../tensor/shape.js';

/** A row-major float64 array with its shape (NHWC for images, HWIO for filters). */
export interface RefArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Builds a RefArray, zero-filled unless values are given (they are copied). */
export function refArray(shape: readonly number[], values?: ArrayLike<number>): RefArray {
  const n = sizeOf(shape);
  if (values !== undefined && values.length !== n) {
    throw new Error(`refArray: ${values.length} values do not fill shape [${shape.join(',')}]`);
  }
  const data = new Float64Array(n);
  if (values !== undefined) for (let i = 0; i < n; i++) data[i] = values[i];
  return { shape: [...shape], data };
}

/**
 * Calls `visit(flatIndex, multiIndex)` for every element of `shape` in row-major order. The
 * multi-index array is reused between calls, so callers must not keep it.
 */
export function forEachIndex(shape: readonly number[], visit: (flat: number, idx: readonly number[]) => void): void {
  const n = sizeOf(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    visit(flat, idx);
    for (let ax = shape.length - 1; ax >= 0; ax--) {
      if (++idx[ax] < shape[ax]) break;
      idx[ax] = 0;
    }
  }
}

/** Throws `Reference <op>: message` unless `cond` holds. */
export function ensure(cond: unknown, op: string, message: string): asserts cond {
  if (!cond) throw new Error(`Reference ${op}: ${message}`);
}

/** Reads a [n, h, w, c] shape. */
export function nhwc(a: RefArray, op: string, what = 'input'): [number, number, number, number] {
  ensure(a.shape.length === 4, op, `${what} must have rank 4, got [${a.shape.join(',')}]`);
  return [a.shape[0], a.shape[1], a.shape[2], a.shape[3]];
}
