/**
 * Micro-benchmark of traced conv programs on onnxruntime-node (CPU).
 *
 *   cd packages/backend-onnx && npx vite-node --config vitest.config.ts bench/conv_stack.ts
 *
 * Environment: MSFLOW_BENCH_REPS (default 5), MSFLOW_BENCH_THREADS (comma list, default "1,2"),
 * MSFLOW_BENCH_PEAK_GFLOPS (machine peak for the share column, default 380 = 2 cores x 64
 * FLOP/cycle x 3 GHz, see /work/shared/deps.md).
 *
 * Cases: one 3x3 conv 64->128 on [8,64,64,64] with NHWC edges (two layout transposes left in
 * the graph) and with NCHW edges (no transpose left), and a 3-conv residual stack; plus the
 * eager backend on the single conv for scale.
 */
import { add, conv2d, relu, Rng, setBackend, sizeOf, tensor, transpose, type Tensor } from '@msflow/core';
import { compileOnnx, createOnnxEagerBackend, type OnnxArray } from '../src/index.js';

const reps = Number(process.env.MSFLOW_BENCH_REPS ?? 5);
const threadList = (process.env.MSFLOW_BENCH_THREADS ?? '1,2').split(',').map(Number);
const peak = Number(process.env.MSFLOW_BENCH_PEAK_GFLOPS ?? 380);

const N = 8;
const S = 64;
const convFlops = (n: number, h: number, w: number, ci: number, co: number, k = 3) => 2 * n * h * w * ci * co * k * k;

const backend = createOnnxEagerBackend();
setBackend(backend);
const rng = new Rng(1);
const param = (shape: number[], scale: number) => tensor(Float32Array.from(rng.normalArray(sizeOf(shape)), (v) => v * scale), shape);
const w1 = param([3, 3, 64, 128], 0.05);
const b1 = param([128], 0.1);
const w2 = param([3, 3, 128, 128], 0.03);
const w3 = param([3, 3, 128, 128], 0.03);

interface Case {
  name: string;
  fn: (x: Tensor) => Tensor;
  shape: number[];
  flops: number;
}

const single = (x: Tensor) => conv2d(x, w1, { padding: 1, bias: b1 });
const cases: Case[] = [
  { name: 'conv3x3 64->128, NHWC edges', fn: single, shape: [N, S, S, 64], flops: convFlops(N, S, S, 64, 128) },
  {
    name: 'conv3x3 64->128, NCHW edges',
    fn: (x) => transpose(single(transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2]),
    shape: [N, 64, S, S],
    flops: convFlops(N, S, S, 64, 128),
  },
  {
    name: 'stack: conv 64->128, relu, conv 128->128, relu, conv 128->128, +residual, relu (NCHW edges)',
    fn: (x) => {
      const y = relu(single(transpose(x, [0, 2, 3, 1])));
      const z = relu(conv2d(y, w2, { padding: 1 }));
      return transpose(relu(add(conv2d(z, w3, { padding: 1 }), y)), [0, 3, 1, 2]);
    },
    shape: [N, 64, S, S],
    flops: convFlops(N, S, S, 64, 128) + 2 * convFlops(N, S, S, 128, 128),
  },
];

async function time(run: () => Promise<unknown>): Promise<number> {
  await run(); // warm-up (and, the first time, trace + session creation)
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await run();
    samples.push((performance.now() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const row = (name: string, threads: number | string, s: number, flops: number) => {
  const gflops = flops / s / 1e9;
  console.log(
    `| ${name} | ${threads} | ${(s * 1000).toFixed(1)} | ${(N / s).toFixed(1)} | ${gflops.toFixed(1)} | ${((100 * gflops) / peak).toFixed(1)}% |`,
  );
};

console.log(`onnxruntime-node, batch ${N}, median of ${reps}; peak assumed ${peak} GFLOP/s\n`);
console.log('| program | threads | ms / batch | images/s | GFLOP/s | share of peak |');
console.log('|---|---|---|---|---|---|');
for (const c of cases) {
  const x: OnnxArray = { data: Float32Array.from(rng.normalArray(sizeOf(c.shape))), shape: c.shape };
  for (const threads of threadList) {
    const f = compileOnnx(c.fn, { inputs: [{ shape: [-1, ...c.shape.slice(1)] }], session: { intraOpNumThreads: threads } });
    const t0 = performance.now();
    await f.run([x]);
    const first = (performance.now() - t0) / 1000;
    const s = await time(() => f.run([x]));
    row(c.name, threads, s, c.flops);
    if (threads === threadList[0]) console.error(`  (${c.name}: first call incl. trace + session ${first.toFixed(2)} s)`);
    await f.dispose();
  }
}

// The eager backend on the single conv: one cached one-node session plus the layout transposes.
const xe = tensor(Float32Array.from(rng.normalArray(N * S * S * 64)), [N, S, S, 64]);
const eagerTime = await time(async () => {
  const y = single(xe);
  await y.data();
  y.dispose();
});
row('eager backend, conv3x3 64->128 (NHWC)', '1 (eager default)', eagerTime, convFlops(N, S, S, 64, 128));
backend.dispose();
