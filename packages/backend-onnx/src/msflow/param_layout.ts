/**
 * The layout a traced training step keeps its parameters in between steps. Conv filters are
 * HWIO in core but OIHW in ONNX's Conv: holding the filters (and their Adam moments) in OIHW
 * makes the layout transposes of the step graph cancel, instead of transposing every filter,
 * both moments and the gradient on every step. Everything else keeps core's layout.
 */
export interface ParamLayout {
  /** Shape of the parameter as the graph takes it. */
  readonly graphShape: readonly number[];
  /** Perm from the graph layout to core's (absent: the same layout). */
  readonly toCore?: readonly number[];
  /** Perm from core's layout to the graph's. */
  readonly toGraph?: readonly number[];
}

const HWIO_TO_OIHW = [3, 2, 0, 1];
const OIHW_TO_HWIO = [2, 3, 1, 0];

/** The graph layout of a parameter of core shape `shape`. */
export function paramLayout(shape: readonly number[]): ParamLayout {
  if (shape.length !== 4) return { graphShape: shape };
  return { graphShape: HWIO_TO_OIHW.map((d) => shape[d]), toCore: OIHW_TO_HWIO, toGraph: HWIO_TO_OIHW };
}

/**
 * Transposes a row-major rank-4 array of shape `shape` by `perm` (out dim d = in dim perm[d]).
 *
 * @example
 * ```ts
 * permute4(hwio, [3, 3, 8, 16], [3, 2, 0, 1]); // OIHW values, shape [16, 8, 3, 3]
 * ```
 */
export function permute4(a: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const strides = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  const [d0, d1, d2, d3] = perm.map((p) => shape[p]);
  const [s0, s1, s2, s3] = perm.map((p) => strides[p]);
  const out = new Float32Array(a.length);
  let k = 0;
  for (let i = 0; i < d0; i++) {
    for (let j = 0; j < d1; j++) {
      for (let l = 0; l < d2; l++) {
        const base = i * s0 + j * s1 + l * s2;
        for (let m = 0; m < d3; m++) out[k++] = a[base + m * s3];
      }
    }
  }
  return out;
}

/** Converts core-layout values to the graph layout (no copy when they coincide). */
export function toGraphLayout(a: Float32Array, coreShape: readonly number[]): Float32Array {
  const l = paramLayout(coreShape);
  return l.toGraph ? permute4(a, coreShape, l.toGraph) : a;
}

/** Converts graph-layout values back to core's layout. */
export function toCoreLayout(a: Float32Array, coreShape: readonly number[]): Float32Array {
  const l = paramLayout(coreShape);
  return l.toCore ? permute4(a, l.graphShape, l.toCore) : a;
}
