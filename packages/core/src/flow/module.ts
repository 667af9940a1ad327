/**
 * The invertible-module contract of the flow graph, a small FrEIA-like interface: a module maps
 * a list of NHWC tensors (plus condition tensors) to the same number of outputs and a per-sample
 * log-determinant, and can run the other way.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { ParamMap, ParamSpec } from './params.js';

/** What a pass returns: the transformed tensors and log|det J| per sample, shape [N]. */
export interface FlowResult {
  outputs: Tensor[];
  logDet: Tensor;
}

/**
 * An invertible module. `forward` gives log|det ∂out/∂in|; `reverse` inverts `forward` and gives
 * log|det ∂in/∂out| (the negated forward value). Parameters are passed in, never owned, so one
 * module description serves training (changing values), counting (no values) and checkpoints.
 *
 * @example
 * ```ts
 * const { outputs, logDet } = block.forward([x], [pe], params);
 * const { outputs: [back] } = block.reverse(outputs, [pe], params); // ≈ x
 * ```
 */
export interface InvertibleModule {
  /** Dotted prefix of the module's parameter names. */
  readonly name: string;
  /** Number of tensors in and out (a bijection keeps the count). */
  readonly arity: number;
  /** The parameters `forward` and `reverse` read, in initialisation order. */
  paramSpecs(): ParamSpec[];
  forward(inputs: readonly Tensor[], conditions: readonly Tensor[], params: ParamMap): FlowResult;
  reverse(outputs: readonly Tensor[], conditions: readonly Tensor[], params: ParamMap): FlowResult;
}

/** Throws unless `xs` holds `arity` rank-4 tensors with one batch size; returns that batch size. */
export function checkInputs(module: string, xs: readonly Tensor[], arity: number): number {
  if (xs.length !== arity) throw new Error(`${module}: expects ${arity} input tensor(s), got ${xs.length}`);
  const n = xs[0].shape[0];
  for (const x of xs) {
    if (x.rank !== 4) throw new Error(`${module}: inputs must be NHWC, got [${x.shape.join(',')}]`);
    if (x.shape[0] !== n) throw new Error(`${module}: inputs have different batch sizes (${xs.map((t) => t.shape[0]).join(', ')})`);
  }
  return n;
}
