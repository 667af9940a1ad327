import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import type { Storage } from '../runtime/tensor_data.js';
import { grid1d, header, linearMain, ParamWriter, type BindingDecl } from '../wgsl/common.js';

/** Invocations per workgroup of the one-invocation-per-element kernels. */
export const LINEAR_WG = 256;

/** A kernel that runs `body` once per output element index `i < n` (word 0 of the params). */
export interface LinearKernel {
  readonly label: string;
  readonly inputs: readonly BindingDecl[];
  /** WGSL statements; `i` is the element index, the output binding is `out`. */
  readonly body: string;
  /** Extra WGSL (helper functions) placed before the entry point. */
  readonly helpers?: string;
}

/**
 * Records one linear dispatch over `n` elements. `params` are the words after `n`: the shader
 * reads them as `P(1u)`, `P(2u)`... Everything shape-dependent travels there, so the compiled
 * pipeline is shared by every shape (the pipeline cache keys on the code).
 */
export function runLinear(
  rt: KernelRuntime,
  k: LinearKernel,
  n: number,
  params: (w: ParamWriter) => void,
  inputs: readonly GPUBuffer[],
  out: Storage,
): void {
  if (n === 0) return;
  const w = new ParamWriter();
  w.u32(n);
  params(w);
  const code = [header(Math.max(w.length, 1), k.inputs, [{ name: 'out' }]), k.helpers ?? '', linearMain(LINEAR_WG, k.body)].join('\n');
  rt.run({ code, inputs: k.inputs.length, outputs: 1, label: k.label }, w.data(), [...inputs, out.buffer], grid1d(n, LINEAR_WG));
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

/**
 * WGSL that splits the linear index `i` into coordinates `c0..c{rank-1}` of a shape whose dims
 * are parameter words `dimsAt..dimsAt+rank-1`.
 */
export function unravel(rank: number, dimsAt: number, index = 'i', prefix = 'c'): string {
  if (rank === 0) return '';
  const lines = [`  var r_${prefix} = ${index};`];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`  let ${prefix}${d} = r_${prefix} % P(${dimsAt + d}u);`);
    if (d > 0) lines.push(`  r_${prefix} = r_${prefix} / P(${dimsAt + d}u);`);
  }
  return lines.join('\n');
}

/** WGSL sum `c0 * P(at) + c1 * P(at+1) + ...` (a strided offset); `0u` for rank 0. */
export function dot(rank: number, stridesAt: number, prefix = 'c'): string {
  if (rank === 0) return '0u';
  return Array.from({ length: rank }, (_, d) => `${prefix}${d} * P(${stridesAt + d}u)`).join(' + ');
}
