// Kernel timings on the tfjs runtimes: `npm run bench -w @msflow/backend-tfjs`.
// MSFLOW_BENCH_RUNTIMES=wasm,cpu picks the tfjs runtimes (default wasm).
import { KERNEL_SPECS, sizeOf as size, type KernelAttrsMap, type KernelName } from '@msflow/core';
import { createTfjsBackend, type TfjsBackend, type TfjsFlavor } from '../src/index.js';
import { randn } from '../test/reference.js';

const runtimes = (process.env.MSFLOW_BENCH_RUNTIMES ?? 'wasm').split(',') as TfjsFlavor[];

function time(fn: () => void, reps: number): number {
  fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / 1000 / reps;
}

function kernel<K extends KernelName>(be: TfjsBackend, k: K, ins: { id: object; s: number[] }[], attrs: KernelAttrsMap[K]) {
  const outShape = KERNEL_SPECS[k](ins.map((i) => i.s), attrs);
  return be.kernels[k]!({ inputs: ins.map((i) => ({ dataId: i.id, shape: i.s })), attrs, outShape });
}

for (const rt of runtimes) {
  {
      const be = await createTfjsBackend({ prefer: [rt] });
      const { tf } = be.runtime;
      const xs = [8, 64, 64, 64];
      const fs = [3, 3, 64, 128];
      const x = be.write(Float32Array.from(randn(size(xs), 1)), xs);
      const f = be.write(Float32Array.from(randn(size(fs), 2)), fs);
      const geo = { strides: [1, 1] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number], groups: 1 };
      const ys = [8, 64, 64, 128];
      const dy = be.write(Float32Array.from(randn(size(ys), 3)), ys);
      const reps = rt === 'cpu' ? 1 : 3;
      const sync = (id: object) => {
        (id as { dataSync(): unknown }).dataSync();
        be.disposeData(id);
      };
      const fwd = time(() => sync(kernel(be, 'Conv2D', [{ id: x, s: xs }, { id: f, s: fs }], geo)), reps);
      const bin = time(() => sync(kernel(be, 'Conv2DBackpropInput', [{ id: dy, s: ys }, { id: f, s: fs }], { ...geo, inputShape: [8, 64, 64, 64] })), reps);
      const bf = time(() => sync(kernel(be, 'Conv2DBackpropFilter', [{ id: x, s: xs }, { id: dy, s: ys }], { ...geo, filterShape: [3, 3, 64, 128] })), reps);
      const flop = 2 * 8 * 64 * 64 * 128 * 9 * 64;
      const a = be.write(Float32Array.from(randn(512 * 512, 4)), [512, 512]);
      const mm = time(() => sync(kernel(be, 'MatMul', [{ id: a, s: [512, 512] }, { id: a, s: [512, 512] }], { transposeA: false, transposeB: false })), rt === 'cpu' ? 2 : 10);
      const g = (s: number, fl: number) => `${s.toFixed(3)} s (${(fl / s / 1e9).toFixed(1)} GFLOP/s)`;
      console.log(
        `[bench] ${be.info().detail}\n` +
          `  conv forward ${g(fwd, flop)}, input grad ${g(bin, flop)}, filter grad ${g(bf, flop)}; full step ${(fwd + bin + bf).toFixed(3)} s\n` +
          `  matmul 512x512x512 ${g(mm, 2 * 512 ** 3)}; tfjs tensors alive ${tf.memory().numTensors}`,
      );
      be.dispose();
  }
}
