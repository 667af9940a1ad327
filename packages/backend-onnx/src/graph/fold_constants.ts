import { removeDeadNodes } from './optimize.js';
import type { GraphSpec, InitValues } from './types.js';

/**
 * Permutes the axes of row-major `values` of shape `dims`: out.shape[i] = dims[perm[i]].
 *
 * @example
 * ```ts
 * transposeValues(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3], [1, 0]); // [1, 4, 2, 5, 3, 6]
 * ```
 */
export function transposeValues<T extends InitValues>(values: T, dims: readonly number[], perm: readonly number[]): T {
  const rank = dims.length;
  const out = new (values.constructor as new (n: number) => T)(values.length);
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= dims[i];
  }
  const outDims = perm.map((p) => dims[p]);
  const step = perm.map((p) => inStrides[p]);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = values[src];
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]++;
      src += step[ax];
      if (idx[ax] < outDims[ax]) break;
      src -= step[ax] * outDims[ax];
      idx[ax] = 0;
    }
  }
  return out;
}

/**
 * Replaces Transpose nodes of initializers (HWIO filters turned OIHW, for instance) by
 * transposed initializers, so the saved model holds weights in the layout its nodes read.
 * Initializers must have their values (see `resolveInitializers`).
 *
 * @example
 * ```ts
 * await resolveInitializers(graph);
 * const folded = foldConstantTransposes(graph); // HWIO filters stored as OIHW
 * ```
 */
export function foldConstantTransposes(graph: GraphSpec): number {
  let folded = 0;
  const done = new Map<string, string>();
  graph.nodes = graph.nodes.filter((n) => {
    if (n.opType !== 'Transpose') return true;
    const init = graph.initializers.get(n.inputs[0]);
    if (!init?.values) return true;
    const perm = n.attrs.perm as number[];
    const key = `${n.inputs[0]}|${perm.join(',')}`;
    let name = done.get(key);
    if (!name) {
      name = n.outputs[0];
      graph.initializers.set(name, {
        dtype: init.dtype,
        dims: perm.map((p) => init.dims[p]),
        values: transposeValues(init.values, init.dims, perm),
      });
      done.set(key, name);
      folded++;
      return false;
    }
    // Same constant, same perm: reuse the first folded copy.
    n.opType = 'Identity';
    n.inputs = [name];
    n.attrs = {};
    return true;
  });
  removeDeadNodes(graph);
  return folded;
}
