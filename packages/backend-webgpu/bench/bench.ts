// Benchmarks of the WebGPU backend: `npm run bench -w @msflow/backend-webgpu`.
// GFLOP/s of the tiled matmul and implicit-GEMM convolutions against naive shaders (one
// invocation per output, no workgroup memory), then MSFlow train-step and inference images per
// second on webgpu next to tfjs (wasm) on the same machine. MSFLOW_BENCH_TFJS=0 skips tfjs.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  dispose, KERNEL_SPECS, MSFlowModel, predict, presetConfig, Rng, setBackend, tensor, Trainer,
  type Backend, type FeatureSet, type KernelAttrsMap, type KernelName,
} from '@msflow/core';
import { createWebgpuBackend, swiftShaderEnv, type WebgpuBackend } from '../src/index.js';
import { runLinear } from '../src/kernels/linear.js';
import type { TensorData } from '../src/runtime/tensor_data.js';

// Dawn needs SwiftShader's variables (LD_LIBRARY_PATH included) before the process starts:
// re-run once under them (vitest.config.ts may already have put them in this process's env).
if (!process.env.MSFLOW_BENCH_CHILD) {
  const env = { ...process.env, ...swiftShaderEnv(), MSFLOW_BENCH_CHILD: '1' };
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const r = spawnSync('npx', ['vite-node', '--config', 'vitest.config.ts', 'bench/bench.ts'], { stdio: 'inherit', env, cwd });
  process.exit(r.status ?? 1);
}

const rng = new Rng(1);
const rand = (n: number) => rng.normalArray(n, 1);
const gflops = (flop: number, s: number) => `${(flop / s / 1e9).toFixed(2)} GFLOP/s (${(s * 1000).toFixed(1)} ms)`;

/** Seconds per call of `fn`, GPU work included (one warm-up call compiles the pipelines). */
async function timeGpu(be: WebgpuBackend, fn: () => void, reps: number): Promise<number> {
  fn();
  await be.sync();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  await be.sync();
  return (performance.now() - t0) / 1000 / reps;
}

function kernel<K extends KernelName>(be: WebgpuBackend, k: K, ins: { id: object; s: number[] }[], attrs: KernelAttrsMap[K]): void {
  const outShape = KERNEL_SPECS[k](ins.map((i) => i.s), attrs);
  be.disposeData(be.kernels[k]!({ inputs: ins.map((i) => ({ dataId: i.id, shape: i.s })), attrs, outShape }));
}

const NAIVE_MATMUL = {
  label: 'naive matmul',
  inputs: [{ name: 'a' }, { name: 'b' }],
  body: `  let m = i / u.cols; let n = i % u.cols; let K = u.depth;
  var acc = 0.0;
  for (var k = 0u; k < K; k = k + 1u) { acc = acc + a[m * K + k] * b[k * u.cols + n]; }
  out[i] = acc;`,
};

async function kernels(be: WebgpuBackend, naiveConv: WebgpuBackend): Promise<void> {
  console.log(`[bench] ${be.info().detail}`);
  for (const s of [256, 512, 1024]) {
    const a = { id: be.write(rand(s * s), [s, s]), s: [s, s] };
    const tiled = await timeGpu(be, () => kernel(be, 'MatMul', [a, a], { transposeA: false, transposeB: false }), s >= 1024 ? 2 : 5);
    const buf = be.runtime.buffer(a.id as TensorData);
    const naive = await timeGpu(be, () => {
      const out = be.runtime.scratch(s * s);
      runLinear(be.runtime, NAIVE_MATMUL, s * s, (u) => u.u32({ cols: s, depth: s }), [buf, buf], out);
      out.release();
    }, s >= 1024 ? 1 : 3);
    console.log(`  matmul ${s}x${s}x${s}: tiled ${gflops(2 * s ** 3, tiled)}; naive ${gflops(2 * s ** 3, naive)}`);
    be.disposeData(a.id);
  }
  const xs = [8, 64, 64, 64];
  const fs = [3, 3, 64, 128];
  const ys = [8, 64, 64, 128];
  const geo = { strides: [1, 1] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number], groups: 1 };
  const flop = 2 * 8 * 64 * 64 * 128 * 9 * 64;
  const up = (b: WebgpuBackend) => ({ x: { id: b.write(rand(8 * 64 * 64 * 64), xs), s: xs }, f: { id: b.write(rand(9 * 64 * 128), fs), s: fs }, dy: { id: b.write(rand(8 * 64 * 64 * 128), ys), s: ys } });
  const t = up(be);
  const fwd = await timeGpu(be, () => kernel(be, 'Conv2D', [t.x, t.f], geo), 3);
  const dx = await timeGpu(be, () => kernel(be, 'Conv2DBackpropInput', [t.dy, t.f], { ...geo, inputShape: xs as [number, number, number, number] }), 3);
  const df = await timeGpu(be, () => kernel(be, 'Conv2DBackpropFilter', [t.x, t.dy], { ...geo, filterShape: fs as [number, number, number, number] }), 3);
  const n = up(naiveConv);
  const direct = await timeGpu(naiveConv, () => kernel(naiveConv, 'Conv2D', [n.x, n.f], geo), 1);
  console.log(`  conv 3x3 64->128 on [8,64,64,64]: forward ${gflops(flop, fwd)}; naive direct forward ${gflops(flop, direct)}`);
  console.log(`    input gradient ${gflops(flop, dx)}; filter gradient ${gflops(flop, df)}; forward + both gradients ${((fwd + dx + df) * 1000).toFixed(0)} ms`);
  for (const v of Object.values(t)) be.disposeData(v.id);
  for (const v of Object.values(n)) naiveConv.disposeData(v.id);
}

/** cpu-resnet18 flows (64/128/256 channels, latents 16², 8², 4²), batch 4. */
const config = presetConfig('cpu-resnet18', { train: { metaEpochs: 1, subEpochs: 1, batchSize: 4 } });
const SIZES: [number, number][] = [[16, 16], [8, 8], [4, 4]];

function features(count: number): FeatureSet {
  const r = new Rng(5);
  return { count, scales: config.channels.map((c, l) => ({ shape: [SIZES[l][0], SIZES[l][1], c] as [number, number, number], data: r.normalArray(count * SIZES[l][0] * SIZES[l][1] * c, 1) })) };
}

async function msflow(backend: Backend, label: string): Promise<void> {
  setBackend(backend);
  const model = MSFlowModel.create(config);
  const count = 16;
  const stamps: number[] = [];
  await new Trainer(model).run(features(count), { onProgress: (e) => {
      if (e.type === 'step') stamps.push(performance.now());
    } });
  // The first step compiles pipelines / warms caches: time the others.
  const train = ((stamps.length - 1) * config.train.batchSize) / ((stamps[stamps.length - 1] - stamps[0]) / 1000);
  const batch = features(8);
  const xs = batch.scales.map((s) => tensor(s.data, [8, ...s.shape]));
  const once = async () => {
    const maps = predict(model, xs);
    await maps.imageScores.data();
    dispose(maps);
  };
  await once();
  const t0 = performance.now();
  await once();
  await once();
  const infer = 16 / ((performance.now() - t0) / 1000);
  console.log(`  msflow cpu-resnet18 flows on ${label}: train ${train.toFixed(1)} images/s (batch 4); inference ${infer.toFixed(1)} images/s (batch 8, scores and maps)`);
  dispose(xs);
  model.dispose();
}

const be = await createWebgpuBackend();
const naiveConv = await createWebgpuBackend({ conv: 'direct' });
await kernels(be, naiveConv);
naiveConv.dispose();
await msflow(be, 'webgpu');
be.dispose();
if (process.env.MSFLOW_BENCH_TFJS !== '0') {
  const { createTfjsBackend } = await import('@msflow/backend-tfjs');
  const tf = await createTfjsBackend({ prefer: ['wasm'] });
  await msflow(tf, tf.info().detail);
  tf.dispose();
}
