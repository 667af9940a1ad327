import { KERNEL_NAMES, type KernelAttrsMap, type KernelName } from '../kernels/kernel_names.js';
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

/**
 * Joins a backend's partial kernel tables (one per kernel-family file) into its complete table.
 * A kernel that no part defines, or that two parts define, is an error naming the backend and
 * the kernels, so a backend cannot start with a hole or a silently shadowed kernel.
 *
 * @example
 * ```ts
 * const kernels = joinKernels('webgpu', elementwiseKernels(rt), convKernels(rt), poolKernels(rt));
 * ```
 */
export function joinKernels<V, C extends object = object>(backend: string, ...parts: readonly Partial<BackendKernels<V, C>>[]): BackendKernels<V, C> {
  const table: Partial<Record<KernelName, unknown>> = {};
  const twice = new Set<string>();
  for (const part of parts) {
    for (const [k, kernel] of Object.entries(part)) {
      if (k in table) twice.add(k);
      table[k as KernelName] = kernel;
    }
  }
  const missing = KERNEL_NAMES.filter((k) => table[k] === undefined);
  if (missing.length > 0 || twice.size > 0) {
    const problems = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', twice.size > 0 ? `defined twice: ${[...twice].join(', ')}` : ''];
    throw new Error(`${backend} kernels: ${problems.filter(Boolean).join('; ')}`);
  }
  return table as BackendKernels<V, C>;
}
