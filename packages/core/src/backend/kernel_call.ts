import type { KernelAttrsMap, KernelName } from '../kernels/kernel_names.js';
import type { Shape } from '../tensor/shape.js';

/**
 * One kernel call as every backend's kernels see it: the inputs as the backend's own values
 * (`V`: a tfjs tensor, a GPU buffer handle, an ONNX value name...) in `KERNEL_INPUTS` order
 * (Concat: all parts), their shapes, the attributes and the output shape core computed and
 * checked. A backend whose kernels need more per call (a graph builder, a runner) adds it with
 * `C`.
 */
export type KernelCall<K extends KernelName, V, C extends object = object> = C & {
  readonly inputs: readonly V[];
  readonly shapes: readonly Shape[];
  readonly attrs: KernelAttrsMap[K];
  /** Output shape, computed and checked by core before the call. */
  readonly outShape: readonly number[];
};

/**
 * The one kernel signature of every backend: a {@link KernelCall} in, the output value out.
 *
 * @example
 * ```ts
 * const neg: BackendKernel<'Neg', Float64Array> = ({ inputs: [x] }) => x.map((v) => -v);
 * ```
 */
export type BackendKernel<K extends KernelName, V, C extends object = object> = (call: KernelCall<K, V, C>) => V;

/** A kernel of every declared name; a missing entry is a compile error. */
export type BackendKernels<V, C extends object = object> = { readonly [K in KernelName]: BackendKernel<K, V, C> };

/**
 * The entries of a kernel family (the unary, binary or reduce kernels) built from one function
 * of the kernel name.
 *
 * @example
 * ```ts
 * const unary = kernelFamily(UNARY_KERNELS, (k) => ({ inputs: [x] }) => applyUnary(k, x));
 * ```
 */
export function kernelFamily<L extends readonly KernelName[], F>(names: L, make: (name: L[number]) => F): { [K in L[number]]: F } {
  return Object.fromEntries(names.map((k) => [k, make(k)])) as { [K in L[number]]: F };
}
