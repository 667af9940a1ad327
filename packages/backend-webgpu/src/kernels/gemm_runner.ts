/// <reference types="@webgpu/types" />
import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import type { Storage } from '../runtime/tensor_data.js';
import { grid1d, header, linearMain, ParamWriter } from '../wgsl/common.js';
import { chooseSplits, gemmGrid, gemmShader, kPerSplit, type GemmSpec, type GemmTile } from '../wgsl/gemm.js';

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
  /** Extra parameter words, from `GEMM_PARAMS` on. */
  readonly extra: readonly number[];
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
  const w = new ParamWriter();
  w.u32(call.m, call.n, call.k, splits, kPerSplit(tile, call.k, splits), call.outSize, 0, 0);
  w.u32(...call.extra);
  const grid = gemmGrid(tile, call.m, call.n, call.groups, splits);
  const program = { code: gemmShader(spec, tile), inputs: spec.inputs.length, outputs: 1, label: spec.label };
  if (splits === 1) {
    rt.run(program, w.data(), [...call.inputs, ...(call.extraInputs ?? []), call.out.buffer], grid);
    return;
  }
  const partial = rt.scratch(call.outSize * splits);
  rt.run(program, w.data(), [...call.inputs, partial.buffer], grid);
  sumSplits(rt, partial, splits, call.outSize, call.out, call.bias, call.biasLength ?? 1);
  partial.release();
}

const WG = 256;

/** out[i] = sum over s of partial[s * size + i] (+ bias[i % biasLength]). */
export function sumSplits(rt: KernelRuntime, partial: Storage, splits: number, size: number, out: Storage, bias?: GPUBuffer, biasLength = 1): void {
  const inputs = bias ? [{ name: 'part' }, { name: 'bias' }] : [{ name: 'part' }];
  const body = `  var acc = 0.0;
  for (var s = 0u; s < P(1u); s = s + 1u) { acc = acc + part[s * P(0u) + i]; }
  out[i] = acc${bias ? ' + bias[i % P(2u)]' : ''};`;
  const code = [header(3, inputs, [{ name: 'out' }]), linearMain(WG, body)].join('\n');
  const w = new ParamWriter();
  w.u32(size, splits, biasLength);
  const buffers = bias ? [partial.buffer, bias, out.buffer] : [partial.buffer, out.buffer];
  rt.run({ code, inputs: inputs.length, outputs: 1, label: 'sum splits' }, w.data(), buffers, grid1d(size, WG));
}
