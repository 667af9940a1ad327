import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, type KernelAttrsMap, type KernelName } from '@msflow/core';
import { assertClose, distinctArray, randomArray, runReference, sumTolerance, type RefArray } from '@msflow/core/testing';
import { createWebgpuBackend, type WebgpuBackend, type WebgpuBackendOptions } from '../src/index.js';
import { ADAPTER_OPTIONS, gpuUnavailable, runOn } from './gpu.js';

// The conformance suite's shapes are tiny; these cases reach the code paths it does not: split
// GEMM reductions (with and without bias), multi-tile GEMMs, workgroup reductions, long top-k
// rows, big fused element-wise chains, the direct and GEMM convolutions, against the float64
// reference with the suite's sum tolerances.
const reason = await gpuUnavailable();

interface Case<K extends KernelName = KernelName> {
  name: string;
  kernel: K;
  inputs: (rng: Rng) => RefArray[];
  attrs: KernelAttrsMap[K];
  /** Length of the longest sum (tolerance). */
  n: number;
}

const c = <K extends KernelName>(x: Case<K>): Case => x as unknown as Case;
const conv = { strides: [1, 1] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number], groups: 1 };

const CASES: Case[] = [
  ...([false, true] as const).flatMap((tA) =>
    ([false, true] as const).map((tB) =>
      c({ name: `matmul 130x600x70 ${tA ? 'tA' : ''}${tB ? 'tB' : ''}`, kernel: 'MatMul', n: 600, attrs: { transposeA: tA, transposeB: tB },
        inputs: (r) => [randomArray(r, tA ? [600, 130] : [130, 600]), randomArray(r, tB ? [70, 600] : [600, 70])] }),
    ),
  ),
  c({ name: 'matmul 200x40x150 (multi-tile, no split)', kernel: 'MatMul', n: 40, attrs: { transposeA: false, transposeB: false },
    inputs: (r) => [randomArray(r, [200, 40]), randomArray(r, [40, 150])] }),
  c({ name: 'conv2d long K with bias (split + bias)', kernel: 'Conv2D', n: 577, attrs: conv,
    inputs: (r) => [randomArray(r, [1, 4, 4, 64]), randomArray(r, [3, 3, 64, 8]), randomArray(r, [8])] }),
  c({ name: 'conv2d 3x3 stride 2 many tiles', kernel: 'Conv2D', n: 3 * 3 * 12 + 1, attrs: { ...conv, strides: [2, 2] },
    inputs: (r) => [randomArray(r, [2, 33, 31, 12]), randomArray(r, [3, 3, 12, 70]), randomArray(r, [70])] }),
  c({ name: 'conv2d depthwise 5x5', kernel: 'Conv2D', n: 26, attrs: { strides: [1, 1], pads: [2, 2, 2, 2], groups: 16 },
    inputs: (r) => [randomArray(r, [2, 9, 9, 16]), randomArray(r, [5, 5, 1, 16]), randomArray(r, [16])] }),
  c({ name: 'conv2d dx stride 2', kernel: 'Conv2DBackpropInput', n: 9 * 24, attrs: { ...conv, strides: [2, 2], inputShape: [2, 9, 9, 20] },
    inputs: (r) => [randomArray(r, [2, 5, 5, 24]), randomArray(r, [3, 3, 20, 24])] }),
  c({ name: 'conv2d dfilter long K (split)', kernel: 'Conv2DBackpropFilter', n: 2 * 16 * 16, attrs: { ...conv, filterShape: [3, 3, 8, 16] },
    inputs: (r) => [randomArray(r, [2, 16, 16, 8]), randomArray(r, [2, 16, 16, 16])] }),
  c({ name: 'conv2d dfilter depthwise long K', kernel: 'Conv2DBackpropFilter', n: 2 * 20 * 20, attrs: { ...conv, groups: 6, filterShape: [3, 3, 1, 6] },
    inputs: (r) => [randomArray(r, [2, 20, 20, 6]), randomArray(r, [2, 20, 20, 6])] }),
  c({ name: 'sum over 15000 (workgroup reduction)', kernel: 'Sum', n: 15000, attrs: { axes: [0, 1], keepDims: false },
    inputs: (r) => [randomArray(r, [50, 300, 3])] }),
  c({ name: 'mean over 2000 per row', kernel: 'Mean', n: 2000, attrs: { axes: [1], keepDims: true }, inputs: (r) => [randomArray(r, [7, 2000])] }),
  c({ name: 'max over 3000 negative', kernel: 'Max', n: 1, attrs: { axes: [0, 2], keepDims: false }, inputs: (r) => [randomArray(r, [30, 4, 100], { lo: -5, hi: -1 })] }),
  c({ name: 'bias gradient shape (N·H·W per channel)', kernel: 'Sum', n: 2 * 32 * 32, attrs: { axes: [0, 1, 2], keepDims: false },
    inputs: (r) => [randomArray(r, [2, 32, 32, 24])] }),
  c({ name: 'top-k mean of 5000', kernel: 'TopKMean', n: 50, attrs: { k: 50 }, inputs: (r) => [distinctArray(r, [3, 5000])] }),
  c({ name: 'layer norm 300 channels', kernel: 'LayerNorm', n: 300, attrs: { epsilon: 1e-5 },
    inputs: (r) => [randomArray(r, [40, 300], { lo: 2, hi: 4 }), randomArray(r, [300]), randomArray(r, [300])] }),
  c({ name: 'gather channel permutation', kernel: 'Gather', n: 1, attrs: { axis: 3, indices: Array.from({ length: 64 }, (_, i) => (i * 37) % 64) },
    inputs: (r) => [randomArray(r, [2, 5, 5, 64])] }),
  c({ name: 'transpose rank 4 large', kernel: 'Transpose', n: 1, attrs: { perm: [0, 3, 1, 2] }, inputs: (r) => [randomArray(r, [3, 17, 19, 33])] }),
];

const VARIANTS: [string, WebgpuBackendOptions][] = [
  ['defaults', {}],
  ['no split reductions, GEMM-only convolutions, no fusion', { splitReductions: false, conv: 'gemm', fuseElementwise: false }],
  ['small GEMM tile, direct convolutions', { gemmTile: { tm: 32, tn: 32, tk: 8, rm: 2, rn: 2 }, conv: 'direct' }],
];

for (const [label, options] of VARIANTS) {
  describe.skipIf(reason !== null)(`kernels at larger shapes (${label})`, () => {
    let be: WebgpuBackend;
    beforeAll(async () => {
      be = await createWebgpuBackend({ ...ADAPTER_OPTIONS, ...options });
    });
    afterAll(() => be?.dispose());
    for (const k of CASES) {
      it(k.name, async () => {
        const inputs = k.inputs(new Rng(k.name.length * 7919 + 1));
        const want = runReference(k.kernel, inputs, k.attrs);
        const got = await runOn(be, k.kernel, inputs, k.attrs);
        expect(got.shape).toEqual(want.shape);
        assertClose(got.data, want.data, sumTolerance(k.n, 4), k.name);
      });
    }
  });
}
