import type { KernelRuntime } from '../runtime/kernel_runtime.js';
import type { GemmSpec } from '../wgsl/gemm.js';
import { runGemm } from './gemm_runner.js';
import type { WebgpuKernel, WebgpuKernels } from './types.js';

/** GEMM access of a plain matrix product with optional transposes. */
export function matmulSpec(transposeA: boolean, transposeB: boolean): GemmSpec {
  return {
    label: `matmul${transposeA ? ' Aᵀ' : ''}${transposeB ? ' Bᵀ' : ''}`,
    inputs: [{ name: 'a' }, { name: 'b' }],
    outputs: [{ name: 'c' }],
    aFast: transposeA ? 'm' : 'k',
    bFast: transposeB ? 'k' : 'n',
    aSetup: (m, s) => (transposeA ? '' : `let arow${s} = ${m} * K;`),
    aLoad: (k, s, dst) => (transposeA ? `${dst} = a[${k} * M + am${s}];` : `${dst} = a[arow${s} + ${k}];`),
    bSetup: (n, s) => (transposeB ? `let bcol${s} = ${n} * K;` : ''),
    bLoad: (k, s, dst) => (transposeB ? `${dst} = b[bcol${s} + ${k}];` : `${dst} = b[${k} * N + bn${s}];`),
    store: (m, n, v, split) => `c[${split} * u.out_size + ${m} * N + ${n}] = ${v};`,
  };
}

/** MatMul: C = op(A) op(B), tiled in workgroup memory with 4x4 register blocks. */
function matmulKernel(rt: KernelRuntime): WebgpuKernel<'MatMul'> {
  return ({ inputs: [a, b], attrs: { transposeA, transposeB }, outShape }) => {
    const [m, n] = outShape;
    const k = transposeA ? a.shape[0] : a.shape[1];
    const out = rt.output(outShape);
    runGemm(rt, () => matmulSpec(transposeA, transposeB), {
      m,
      n,
      k,
      groups: 1,
      inputs: [rt.buffer(a), rt.buffer(b)],
      out: out.storage!,
      outSize: m * n,
    });
    return out;
  };
}

/** The matrix product kernel. */
export function matmulKernels(rt: KernelRuntime): Pick<WebgpuKernels, 'MatMul'> {
  return { MatMul: matmulKernel(rt) };
}
