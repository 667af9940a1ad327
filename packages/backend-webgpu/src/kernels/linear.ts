import { sizeOf, type KernelCall, type KernelName } from '@msflow/core';
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import type { Storage, TensorData } from '../runtime/tensor_data.js';
import { grid1d, header, linearMain, type BindingDecl } from '../wgsl/common.js';
import { Uniforms } from '../wgsl/uniforms.js';
import type { WebgpuKernel } from './types.js';

/** Invocations per workgroup of the one-invocation-per-element kernels. */
export const LINEAR_WG = 256;

/** A kernel that runs `body` once per output element index `i < u.n`. */
export interface LinearKernel {
  readonly label: string;
  readonly inputs: readonly BindingDecl[];
  /** WGSL statements; `i` is the element index, the output binding is `out`. */
  readonly body: string;
  /** Extra WGSL (helper functions) placed before the entry point. */
  readonly helpers?: string;
}

/**
 * Records one linear dispatch over `n` elements. `uniforms` adds the named values the body reads
 * (`u.height`...) after `u.n`. Everything shape-dependent travels there, so the compiled
 * pipeline is shared by every shape (the pipeline cache keys on the code).
 */
export function runLinear(
  rt: KernelRuntime,
  k: LinearKernel,
  n: number,
  uniforms: (u: Uniforms) => void,
  inputs: readonly GPUBuffer[],
  out: Storage,
): void {
  if (n === 0) return;
  const u = new Uniforms().u32({ n });
  uniforms(u);
  const code = [header(u, k.inputs, [{ name: 'out' }]), k.helpers ?? '', linearMain(LINEAR_WG, k.body)].join('\n');
  rt.run({ code, inputs: k.inputs.length, outputs: 1, label: k.label }, u.data(), [...inputs, out.buffer], grid1d(n, LINEAR_WG));
}

/** One call's linear dispatch: the shader, its named values and its input buffers. */
export interface LinearPlan extends LinearKernel {
  readonly uniforms: (u: Uniforms) => void;
  /** Input buffers, in the order of `inputs`. */
  readonly buffers: readonly GPUBuffer[];
  /** Invocations; default one per output element. */
  readonly count?: number;
}

/**
 * A kernel that is one linear dispatch writing a new output: `plan` describes the dispatch of
 * one call (the output is allocated first, as for every kernel).
 */
export function linearKernel<K extends KernelName>(rt: KernelRuntime, plan: (call: KernelCall<K, TensorData>) => LinearPlan): WebgpuKernel<K> {
  return (call) => {
    const out = rt.output(call.outShape);
    const p = plan(call);
    runLinear(rt, p, p.count ?? sizeOf(call.outShape), p.uniforms, p.buffers, out.storage!);
    return out;
  };
}

/**
 * WGSL that splits the linear index `index` into coordinates `c0..c{rank-1}` of a shape whose
 * dims are the uniforms `dims0..dims{rank-1}` (named by `dims`).
 */
export function unravel(rank: number, dims: string, index = 'i', prefix = 'c'): string {
  if (rank === 0) return '';
  const lines = [`  var r_${prefix} = ${index};`];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`  let ${prefix}${d} = r_${prefix} % u.${dims}${d};`);
    if (d > 0) lines.push(`  r_${prefix} = r_${prefix} / u.${dims}${d};`);
  }
  return lines.join('\n');
}

/** WGSL sum `c0 * u.strides0 + c1 * u.strides1 + ...` (a strided offset); `0u` for rank 0. */
export function dot(rank: number, strides: string, prefix = 'c'): string {
  if (rank === 0) return '0u';
  return Array.from({ length: rank }, (_, d) => `${prefix}${d} * u.${strides}${d}`).join(' + ');
}
