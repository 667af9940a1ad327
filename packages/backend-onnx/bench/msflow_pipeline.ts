/**
 * Benchmark of the whole MSFlow test-time program (backbone + flows + scoring) traced to one
 * ONNX graph, against the same program run kernel by kernel on tfjs.
 *
 *   cd packages/backend-onnx && npx vite-node --config vitest.config.ts bench/msflow_pipeline.ts
 *
 * Environment: MSFLOW_BENCH_SIZES (default "256,512"), MSFLOW_BENCH_BATCH (default 1),
 * MSFLOW_BENCH_REPS (default 3), MSFLOW_BENCH_THREADS (intra-op threads, default: onnxruntime's),
 * MSFLOW_BENCH_TFJS (tfjs runtime to compare: wasm, cpu or none; default wasm),
 * MSFLOW_BENCH_PRESET (paper or cpu; default paper: WRN-50-2 reflect, blocks [2,5,8]),
 * MSFLOW_BENCH_PEAK_GFLOPS (default 380).
 */
import {
  MSFlowModel,
  Rng,
  architecture,
  createBackbone,
  presetConfig,
  randomBackboneWeights,
  setBackend,
  tensor,
  tidy,
  type Backend,
} from '@msflow/core';
import { createTfjsBackend, type TfjsFlavor } from '@msflow/backend-tfjs';
import { compileOnnx, countFlops, createOnnxEagerBackend, msflowInferenceFn } from '../src/index.js';

const sizes = (process.env.MSFLOW_BENCH_SIZES ?? '256,512').split(',').map(Number);
const batch = Number(process.env.MSFLOW_BENCH_BATCH ?? 1);
const reps = Number(process.env.MSFLOW_BENCH_REPS ?? 3);
const threads = process.env.MSFLOW_BENCH_THREADS ? Number(process.env.MSFLOW_BENCH_THREADS) : undefined;
const tfjsFlavor = (process.env.MSFLOW_BENCH_TFJS ?? 'wasm') as TfjsFlavor | 'none';
const preset = process.env.MSFLOW_BENCH_PRESET ?? 'paper';
const peak = Number(process.env.MSFLOW_BENCH_PEAK_GFLOPS ?? 380);

const base = presetConfig(preset);
const spec = architecture(base.backbone, { padMode: base.backbonePadding });
const weights = randomBackboneWeights(spec, new Rng(1));

/** Backbone and model on `backend` at `size`, as the inference function. */
function pipeline(backend: Backend, size: number) {
  setBackend(backend);
  const backbone = createBackbone(spec, weights);
  const config = presetConfig(preset, { inputSize: [size, size] });
  const model = MSFlowModel.create(config);
  return { fn: msflowInferenceFn({ backbone, model, threshold: 0.5 }), dispose: () => (backbone.dispose(), model.dispose()) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeIt(run: () => Promise<unknown>, n: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run();
    samples.push((performance.now() - t0) / 1000);
  }
  return median(samples);
}

console.log(`MSFlow inference (${preset} preset: ${base.backbone}/${base.backbonePadding}, blocks [${base.blocks}]), batch ${batch}, median of ${reps}`);
console.log('| size | runtime | s / batch | images/s | GFLOP / image (conv+matmul) | GFLOP/s | share of peak |');
console.log('|---|---|---|---|---|---|---|');
for (const size of sizes) {
  const onnx = createOnnxEagerBackend();
  const p = pipeline(onnx, size);
  const flops = countFlops(onnx, p.fn, [[1, 3, size, size]]);
  const f = compileOnnx(p.fn, { inputs: [{ name: 'image', shape: [-1, 3, size, size] }], session: threads ? { intraOpNumThreads: threads } : {} });
  const image = Float32Array.from(new Rng(2).normalArray(batch * 3 * size * size));
  const t0 = performance.now();
  await f.run([{ data: image, shape: [batch, 3, size, size] }]);
  console.error(`  ${size} px: trace + session + first run ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const s = await timeIt(() => f.run([{ data: image, shape: [batch, 3, size, size] }]), reps);
  const row = (name: string, sec: number) => {
    const gf = (flops * batch) / sec / 1e9;
    console.log(`| ${size} | ${name} | ${sec.toFixed(3)} | ${(batch / sec).toFixed(2)} | ${(flops / 1e9).toFixed(1)} | ${gf.toFixed(1)} | ${((100 * gf) / peak).toFixed(1)}% |`);
  };
  row(`onnxruntime (traced, ${threads ?? 'default'} threads)`, s);
  await f.dispose();
  p.dispose();
  onnx.dispose();

  if (tfjsFlavor !== 'none') {
    const tf = await createTfjsBackend({ prefer: [tfjsFlavor] });
    const q = pipeline(tf, size);
    const run = async () => {
      const out = tidy(() => q.fn(tensor(image, [batch, 3, size, size])));
      await out.score.data();
      Object.values(out).forEach((t) => t.dispose());
    };
    await run(); // warm-up
    row(`tfjs ${tf.info().detail}`, await timeIt(run, Math.min(reps, 2)));
    q.dispose();
    tf.dispose();
  }
}
