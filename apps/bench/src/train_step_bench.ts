import { MSFlowModel, Rng, Trainer, latentShapes, presetConfig, reshape, resolveBackend, setBackend, sizeOf, trainStepProgram, type FeatureSet, type FeatureSource, type MSFlowConfig, type Tensor } from '@msflow/core';
import { ExecutionPlan, onBackend, registerInstalledBackends } from '@msflow/detector';
import { compileOnnx, countFlops, createOnnxEagerBackend, type OnnxBackend } from '@msflow/backend-onnx';
import { describeMachine, type MachineInfo } from './machine.js';
import { measure, summarize, type Timing } from './stats.js';
import { packageVersions } from './versions.js';

/** One trainer × preset × size × batch measurement of a whole optimizer step. */
export interface TrainStepRow {
  trainer: 'traced onnx' | 'eager onnx' | 'eager tfjs';
  detail: string;
  preset: string;
  size: number;
  batch: number;
  timing?: Timing;
  imagesPerSecond?: number;
  /** Conv and matmul FLOPs of forward and backward per step. */
  flops: number;
  gflops?: number;
  peakShare?: number;
  /** Traced only: feeding the parameters and both Adam moments in and copying them out (ms). */
  stateCopyMs?: number;
  /** Traced only: first step (tracing, session creation, first run), ms. */
  firstStepMs?: number;
  rssMiB: number;
  /** Why the row has no timing. */
  skipped?: string;
}

/** The train-step benchmark's report. */
export interface TrainStepReport {
  date: string;
  machine: MachineInfo;
  versions: Record<string, string>;
  rows: TrainStepRow[];
}

/** What to measure: traced rows for every preset × size × batch, eager rows for the ratios. */
export interface TrainStepPlan {
  presets: string[];
  sizes: number[];
  batches: number[];
  /** Eager trainers measured (one call each, they are slow) at `eagerAt`. */
  eager: ('onnx' | 'tfjs')[];
  eagerAt: { preset: string; size: number; batches: number[] };
  reps: number;
  budgetMs: number;
}

/** Command-line restrictions of a {@link TrainStepPlan} (`--presets`, `--sizes`, `--batches`, `--eager`). */
export type TrainStepOverrides = Partial<Pick<TrainStepPlan, 'presets' | 'sizes' | 'batches' | 'eager'>>;

/**
 * The plan of the committed results; `quick` is the CI-sized smoke run. `overrides` replace the
 * traced grid and the eager trainers; when the grid is replaced, the eager rows run at its first
 * preset and size and at its batches (so that every eager row has a traced row to compare with).
 *
 * @example
 * ```ts
 * trainStepPlan(false, { presets: ['cpu'], sizes: [256], eager: ['onnx'] }).eagerAt; // { preset: 'cpu', size: 256, batches: [1, 8] }
 * ```
 */
export function trainStepPlan(quick = false, overrides: TrainStepOverrides = {}): TrainStepPlan {
  const base: TrainStepPlan = quick
    ? { presets: ['cpu-resnet18'], sizes: [64], batches: [2], eager: ['onnx'], eagerAt: { preset: 'cpu-resnet18', size: 64, batches: [2] }, reps: 2, budgetMs: 2000 }
    : { presets: ['cpu', 'paper'], sizes: [256, 512], batches: [1, 8], eager: ['onnx', 'tfjs'], eagerAt: { preset: 'cpu', size: 256, batches: [1, 8] }, reps: 3, budgetMs: 60_000 };
  const plan: TrainStepPlan = { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  if (overrides.presets || overrides.sizes || overrides.batches) plan.eagerAt = { preset: plan.presets[0], size: plan.sizes[0], batches: plan.batches };
  return plan;
}

const rssMiB = () => process.resourceUsage().maxRSS / 1024;

/** Seeded N(0, 1) features of `n` images at the config's latent sizes. */
function benchFeatures(config: MSFlowConfig, n: number): FeatureSet {
  const rng = new Rng(5);
  return { count: n, scales: latentShapes(config).map((shape) => ({ shape, data: rng.normalArray(n * shape[0] * shape[1] * shape[2]) })) };
}

/** Conv/matmul FLOPs of one whole step (forward, backward; Adam has none), by tracing it. */
function stepFlops(onnx: OnnxBackend, model: MSFlowModel, features: FeatureSet): number {
  const params = model.paramTensors();
  return countFlops(onnx, (...ys: Tensor[]) => trainStepProgram(model, ys, params, params, params, { stepSize: 1e-3, bc2Sqrt: 1 }).loss, features.scales.map((s) => [features.count, ...s.shape]));
}

/** Time of handing the step's state (parameters, m, v) to onnxruntime and copying it back. */
async function stateCopyMs(onnx: OnnxBackend, model: MSFlowModel): Promise<number> {
  const shapes = model.specs.map((s) => s.shape);
  const arrays = shapes.map((s) => ({ data: new Float32Array(sizeOf(s)), shape: s }));
  const state = [...arrays, ...arrays, ...arrays];
  const f = compileOnnx((...xs: Tensor[]) => xs.map((x) => reshape(x, [...x.shape])), { backend: onnx, inputs: state.map((a) => ({ shape: a.shape })) });
  try {
    await f.run(state);
    return (await measure(async () => void (await f.run(state)), { warmup: 0, reps: 3 })).medianMs;
  } finally {
    await f.dispose();
  }
}

const sourceOf = (f: FeatureSet): FeatureSource => ({ count: f.count, shapes: f.scales.map((s) => s.shape), read: (l) => f.scales[l].data });

/**
 * Measures whole training steps: the traced onnxruntime step for every preset × size × batch
 * of the plan (GFLOP/s and share of the machine's peak counting conv and matmul FLOPs of
 * forward and backward; the cost of moving the state in and out), and the eager trainers on
 * onnx (kernel by kernel) and tfjs at one setting, for the ratios. A row that fails (e.g. out
 * of memory) keeps the reason and the run goes on.
 * `progress`, when given, receives the report so far after every row (to save partial results).
 *
 * @example
 * ```ts
 * const report = await runTrainStepBench(trainStepPlan(true), console.error);
 * ```
 */
export async function runTrainStepBench(plan: TrainStepPlan, log: (line: string) => void, progress?: (partial: TrainStepReport) => void): Promise<TrainStepReport> {
  const machine = describeMachine();
  const onnx = createOnnxEagerBackend();
  const rows: TrainStepRow[] = [];
  const versions = packageVersions();
  const report = (): TrainStepReport => ({ date: new Date().toISOString(), machine, versions, rows: [...rows] });
  const finish = (row: TrainStepRow, timing: Timing) => {
    row.timing = timing;
    row.imagesPerSecond = row.batch / (timing.medianMs / 1000);
    row.gflops = row.flops / 1e9 / (timing.medianMs / 1000);
    row.peakShare = row.gflops / machine.peakGflops;
  };
  // The traced rows run the stepper msflow train's execution plan gives (backend auto): the
  // model's parameters on the plan's eager backend, each step one onnxruntime program.
  const execution = await ExecutionPlan.resolve({ backend: 'auto' });
  for (const preset of plan.presets) {
    for (const size of plan.sizes) {
      for (const batch of plan.batches) {
        const config = presetConfig(preset, { inputSize: [size, size], seed: 1 });
        const features = benchFeatures(config, batch);
        const flops = onBackend(onnx, () => {
          const counted = MSFlowModel.create(config);
          try {
            return stepFlops(onnx, counted, features);
          } finally {
            counted.dispose();
          }
        });
        const row: TrainStepRow = { trainer: 'traced onnx', detail: '', preset, size, batch, flops, rssMiB: 0 };
        const stepper = execution.stepper;
        if (!stepper) {
          row.skipped = `msflow train's plan is not traced here: ${execution.summary.training.why}`;
          rows.push(row);
          log(`traced onnx ${preset} ${size}px batch ${batch}: ${row.skipped}`);
          continue;
        }
        const model = onBackend(execution.backend, () => MSFlowModel.create(config));
        const step = stepper(model);
        row.detail = `${step.description}; parameters on ${execution.summary.backend.detail} (msflow train's plan)`;
        const indices = [...Array(batch).keys()];
        try {
          const t0 = performance.now();
          await step.run(sourceOf(features), indices, 1e-5);
          row.firstStepMs = performance.now() - t0;
          finish(row, await measure(async () => void (await step.run(sourceOf(features), indices, 1e-5)), { warmup: 1, reps: plan.reps, budgetMs: plan.budgetMs }));
          row.stateCopyMs = await stateCopyMs(onnx, model);
          log(`traced onnx ${preset} ${size}px batch ${batch}: ${row.timing!.medianMs.toFixed(0)} ms, ${row.imagesPerSecond!.toFixed(2)} img/s, ${row.gflops!.toFixed(0)} GFLOP/s (${(row.peakShare! * 100).toFixed(0)} % of peak), state copy ${row.stateCopyMs.toFixed(0)} ms`);
        } catch (err) {
          row.skipped = `failed: ${(err as Error).message.split('\n')[0]}`;
          log(`traced onnx ${preset} ${size}px batch ${batch}: ${row.skipped}`);
        } finally {
          row.rssMiB = rssMiB();
          rows.push(row);
          progress?.(report());
          await step.dispose();
          onBackend(execution.backend, () => model.dispose());
        }
      }
    }
  }
  await registerInstalledBackends();
  for (const name of plan.eager) {
    const { preset, size, batches } = plan.eagerAt;
    for (const batch of batches) {
      const backend = name === 'onnx' ? onnx : await resolveBackend(['tfjs']);
      setBackend(backend);
      const config = presetConfig(preset, { inputSize: [size, size], seed: 1, train: { metaEpochs: 1, subEpochs: 1, batchSize: batch } });
      const features = benchFeatures(config, batch);
      setBackend(onnx);
      const flops = stepFlops(onnx, MSFlowModel.create(config), features);
      setBackend(backend);
      const model = MSFlowModel.create(config);
      const row: TrainStepRow = { trainer: `eager ${name}`, detail: backend.info().detail, preset, size, batch, flops, rssMiB: 0 };
      try {
        // One full step per run (a fresh trainer runs exactly one update): too slow to repeat.
        const t0 = performance.now();
        const trainer = new Trainer(model);
        await trainer.run(features);
        await trainer.dispose();
        finish(row, summarize([performance.now() - t0]));
        log(`eager ${name} ${preset} ${size}px batch ${batch}: ${row.timing!.medianMs.toFixed(0)} ms, ${row.imagesPerSecond!.toFixed(2)} img/s`);
      } catch (err) {
        row.skipped = `failed: ${(err as Error).message.split('\n')[0]}`;
        log(`eager ${name} ${preset} ${size}px batch ${batch}: ${row.skipped}`);
      } finally {
        row.rssMiB = rssMiB();
        rows.push(row);
        progress?.(report());
        model.dispose();
      }
    }
  }
  return report();
}

/**
 * The report as Markdown: one row per measurement, with the traced step's speed-up over each
 * eager trainer at the same preset, size and batch (measured in the same run).
 *
 * @example
 * ```ts
 * writeFileSync('train_step.md', trainStepMarkdown(report));
 * ```
 */
export function trainStepMarkdown(r: TrainStepReport): string {
  const f = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
  const same = (a: TrainStepRow, b: TrainStepRow) => a.preset === b.preset && a.size === b.size && a.batch === b.batch;
  const traced = (row: TrainStepRow) => r.rows.find((t) => t.trainer === 'traced onnx' && same(t, row));
  const lines = [
    `Train step (forward, backward, clipping, Adam), ${r.machine.cpuModel}, ${r.machine.cores} cores, no GPU, ${r.date.slice(0, 10)}; peak ${r.machine.peakGflops.toFixed(0)} GFLOP/s (${r.machine.peakNote}).`,
    'GFLOP/s counts conv and matmul FLOPs of forward and backward; × traced: the traced step\'s speed-up over that row (same run).',
    '',
    '| trainer | preset | size | batch | ms / step | img/s | GFLOP/s | % peak | state copy ms | first step s | × traced | peak RSS MiB |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map((row) => {
      const t = traced(row);
      const speedup = row.trainer !== 'traced onnx' && t?.imagesPerSecond && row.imagesPerSecond ? t.imagesPerSecond / row.imagesPerSecond : undefined;
      return `| ${row.trainer} | ${row.preset} | ${row.size} | ${row.batch} | ${row.skipped ?? f(row.timing?.medianMs, 0)} | ${f(row.imagesPerSecond)} | ${f(row.gflops, 0)} | ${f(row.peakShare === undefined ? undefined : row.peakShare * 100, 0)} | ${f(row.stateCopyMs, 0)} | ${f(row.firstStepMs === undefined ? undefined : row.firstStepMs / 1000, 1)} | ${f(speedup, 1)} | ${row.rssMiB.toFixed(0)} |`;
    }),
    '',
  ];
  return lines.join('\n');
}
