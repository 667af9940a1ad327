import type { FloatArray } from '../backend/backend.js';
import { engine } from '../engine/engine.js';
import { sizeOf, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Creates a tensor on the active backend from row-major values.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]); // NHWC
 * ```
 */
export function tensor(values: FloatArray | readonly number[], shape: Shape): Tensor {
  const data = values instanceof Float32Array || values instanceof Float64Array ? values : Float32Array.from(values);
  return engine.makeTensor(data, shape);
}

/** A rank-0 tensor. */
export function scalar(value: number): Tensor {
  return engine.makeTensor(Float32Array.of(value), []);
}

/** A tensor filled with one value. */
export function fill(shape: Shape, value: number): Tensor {
  return engine.makeTensor(new Float32Array(sizeOf(shape)).fill(value), shape);
}

export function zeros(shape: Shape): Tensor {
  return fill(shape, 0);
}

export function ones(shape: Shape): Tensor {
  return fill(shape, 1);
}
