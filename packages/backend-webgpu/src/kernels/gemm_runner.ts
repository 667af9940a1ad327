/// <reference types="@webgpu/types" />
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import type { Storage } from '../runtime/tensor_data.js';
import { chooseSplits, gemmGrid, gemmShader, kPerSplit, type GemmSpec, type GemmTile } from '../wgsl/gemm.js';
import { Uniforms } from '../wgsl/uniforms.js';
import { runLinear } from './linear.js';

/** One GEMM dispatch: sizes, operand buffers, output and extra parameters. */
export interface GemmCall {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly groups: number;
  /** Input buffers in the order of `spec.inputs`. */
  readonly inputs: readonly GPUBuffer[];
  /** Inputs bound only when K is not split (a bias the store adds; `bias` covers the split case). */
  readonly extraInputs?: readonly GPUBuffer[];
  readonly out: Storage;
  /** Number of output elements (all groups). */
  readonly outSize: number;
  /** Adds the named values the spec's snippets read, besides the GEMM's own. */
  readonly uniforms?: (u: Uniforms) => void;
  /** Bias added per output channel `i % biasLength` when K is split (else the spec's store adds it). */
  readonly bias?: GPUBuffer;
  readonly biasLength?: number;
}

/**
 * Runs a GEMM-shaped kernel: builds (`makeSpec(split)`, split = K is split over workgroups),
 * chooses the K split for small outputs with long K (filter gradients), and sums the partial
 * results in a second pass when it splits.
 */
export function runGemm(rt: KernelRuntime, makeSpec: (split: boolean) => GemmSpec, call: GemmCall, tile: GemmTile = rt.options.gemmTile): void {
  const splits = chooseSplits(tile, call.m, call.n, call.k, call.groups, rt.options.splitReductions);
  const spec = makeSpec(splits > 1);
  const u = new Uniforms().u32({ m: call.m, n: call.n, k: call.k, splits, k_split: kPerSplit(tile, call.k, splits), out_size: call.outSize });
  call.uniforms?.(u);
  const grid = gemmGrid(tile, call.m, call.n, call.groups, splits);
  const program = { code: gemmShader(spec, u, tile), inputs: spec.inputs.length, outputs: 1, label: spec.label };
  if (splits === 1) {
    rt.run(program, u.data(), [...call.inputs, ...(call.extraInputs ?? []), call.out.buffer], grid);
    return;
  }
  const partial = rt.scratch(call.outSize * splits);
  rt.run(program, u.data(), [...call.inputs, partial.buffer], grid);
  sumSplits(rt, partial, splits, call.outSize, call.out, call.bias, call.biasLength ?? 1);
  partial.release();
}

/** out[i] = sum over s of partial[s * size + i] (+ bias[i % biasLength]). */
export function sumSplits(rt: KernelRuntime, partial: Storage, splits: number, size: number, out: Storage, bias?: GPUBuffer, biasLength = 1): void {
  const body = `  var acc = 0.0;
  for (var s = 0u; s < u.splits; s = s + 1u) { acc = acc + part[s * u.n + i]; }
  out[i] = acc${bias ? ' + bias[i % u.bias_length]' : ''};`;
  runLinear(rt, { label: 'sum splits', inputs: bias ? [{ name: 'part' }, { name: 'bias' }] : [{ name: 'part' }], body }, size,
    (u) => u.u32({ splits, bias_length: biasLength }), bias ? [partial.buffer, bias] : [partial.buffer], out);
}
