// Kernel and training-step timings of the gpujs backend, next to tfjs on the same shapes:
// `npm run bench -w @msflow/backend-gpujs`. MSFLOW_BENCH_GPUJS_MODES=webasm,cpu picks the gpu.js
// modes (default: the automatic choice); MSFLOW_BENCH_TFJS=0 skips the tfjs comparison.
import {
  KERNEL_SPECS,
  MSFlowModel,
  presetConfig,
  Rng,
  setBackend,
  sizeOf,
  Trainer,
  type Backend,
  type DataId,
  type FeatureSet,
  type KernelAttrsMap,
  type KernelName,
} from '@msflow/core';
import { createTfjsBackend } from '@msflow/backend-tfjs';
import { createGpujsBackend, type GpujsMode } from '../src/index.js';

const modes = process.env.MSFLOW_BENCH_GPUJS_MODES?.split(',') as GpujsMode[] | undefined;
const withTfjs = process.env.MSFLOW_BENCH_TFJS !== '0';
const rng = new Rng(1);

/** Seconds per call, after one warm-up call (which compiles and caches the kernel). */
function time(fn: () => void, reps: number): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / 1000 / reps;
}

function kernel<K extends KernelName>(be: Backend, k: K, ins: { id: DataId; s: number[] }[], attrs: KernelAttrsMap[K]): DataId {
  const outShape = KERNEL_SPECS[k](ins.map((i) => i.s), attrs);
  return be.kernels[k]!({ inputs: ins.map((i) => ({ dataId: i.id, shape: i.s })), attrs, outShape });
}

/** Runs a kernel and reads its result back (so asynchronous backends finish), then frees it. */
const synced = (be: Backend, id: DataId) => {
  be.readSync!(id, []);
  be.disposeData(id);
};

const gflops = (s: number, flop: number) => `${(s * 1e3).toFixed(1)} ms, ${(flop / s / 1e9).toFixed(2)} GFLOP/s`;

function kernels(be: Backend): string[] {
  const lines: string[] = [];
  const write = (s: number[]) => be.write(rng.normalArray(sizeOf(s), 1), s);
  for (const n of [256, 512]) {
    const a = write([n, n]);
    const b = write([n, n]);
    const mm = time(() => synced(be, kernel(be, 'MatMul', [{ id: a, s: [n, n] }, { id: b, s: [n, n] }], { transposeA: false, transposeB: false })), n === 256 ? 5 : 2);
    lines.push(`matmul ${n}x${n}x${n}: ${gflops(mm, 2 * n ** 3)}`);
    be.disposeData(a);
    be.disposeData(b);
  }
  const xs = [2, 32, 32, 64];
  const fs = [3, 3, 64, 128];
  const ys = [2, 32, 32, 128];
  const x = write(xs);
  const f = write(fs);
  const dy = write(ys);
  const geo = { strides: [1, 1] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number], groups: 1 };
  const flop = 2 * sizeOf(ys) * 9 * 64;
  const fwd = time(() => synced(be, kernel(be, 'Conv2D', [{ id: x, s: xs }, { id: f, s: fs }], geo)), 2);
  const bin = time(() => synced(be, kernel(be, 'Conv2DBackpropInput', [{ id: dy, s: ys }, { id: f, s: fs }], { ...geo, inputShape: [2, 32, 32, 64] })), 2);
  const bf = time(() => synced(be, kernel(be, 'Conv2DBackpropFilter', [{ id: x, s: xs }, { id: dy, s: ys }], { ...geo, filterShape: [3, 3, 64, 128] })), 2);
  lines.push(`conv 3x3 64->128 on [2,32,32,64]: forward ${gflops(fwd, flop)}; input grad ${gflops(bin, flop)}; filter grad ${gflops(bf, flop)}`);
  [x, f, dy].forEach((id) => be.disposeData(id));
  return lines;
}

/** Mean seconds per MSFlow training step (first step, which compiles kernels, excluded). */
async function trainStep(be: Backend, channels: [number, number, number], sizes: [number, number][]): Promise<string> {
  setBackend(be);
  const config = presetConfig('cpu', {
    channels,
    blocks: [2, 1, 1],
    condChannels: 4,
    inputSize: [16, 16],
    seed: 7,
    train: { metaEpochs: 1, subEpochs: 1, batchSize: 2, lr: 1e-3, schedule: { warmupSubEpochs: 1, milestones: [1] } },
  });
  const count = 8;
  const features: FeatureSet = {
    count,
    scales: channels.map((c, l) => ({ shape: [...sizes[l], c] as [number, number, number], data: rng.normalArray(count * sizes[l][0] * sizes[l][1] * c, 1) })),
  };
  const model = MSFlowModel.create(config);
  const trainer = new Trainer(model);
  const stamps: number[] = [];
  await trainer.run(features, {
    onProgress: (e) => {
      if (e.type === 'step') stamps.push(performance.now());
    },
  });
  trainer.dispose();
  model.dispose();
  const steady = (stamps[stamps.length - 1] - stamps[0]) / (stamps.length - 1);
  return `train step, channels [${channels}] features ${sizes.map((s) => s.join('x')).join('/')} batch 2: ${steady.toFixed(1)} ms (${stamps.length} steps)`;
}

async function bench(label: string, be: Backend): Promise<void> {
  const lines = kernels(be);
  lines.push(await trainStep(be, [4, 8, 8], [[4, 4], [2, 2], [2, 2]]));
  lines.push(await trainStep(be, [16, 32, 32], [[16, 16], [8, 8], [4, 4]]));
  console.log(`[bench] ${label}: ${be.info().detail}\n  ${lines.join('\n  ')}`);
  be.dispose();
}

for (const mode of modes ?? [undefined]) {
  await bench(`gpujs${mode ? ` ${mode}` : ''}`, await createGpujsBackend(mode ? { prefer: [mode] } : {}));
}
if (withTfjs) await bench('tfjs (comparison)', await createTfjsBackend());
