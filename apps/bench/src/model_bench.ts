import { MSFlowModel, Rng, getBackend, loadCheckpoint, presetConfig, serializeCheckpoint, type FeatureSet, type MSFlowConfig } from '@msflow/core';
import type { BenchEntry } from './report.js';
import { STAGES, eagerPipelines, onnxPipelines, type InferenceResult, type Pipelines, type Stage } from './pipelines.js';
import { measure, summarize, type Timing } from './stats.js';

/** What the model-level benchmark runs: one preset at several input sizes and batch sizes. */
export interface ModelPlan {
  preset: string;
  sizes: number[];
  batches: number[];
  reps: { warmup: number; reps: number; budgetMs: number };
  /** A stage whose first call takes longer than this is timed once and not run at larger sizes. */
  slowCallMs: number;
}

/** The model every backend runs at one size: serialised once, loaded everywhere. */
export interface SharedCheckpoint {
  config: MSFlowConfig;
  weights: Uint8Array;
  sidecar: unknown;
}

/** Creates the seeded model of `plan` at `size` on the active backend and serialises it. */
export async function sharedCheckpoint(plan: ModelPlan, size: number): Promise<SharedCheckpoint> {
  const config = presetConfig(plan.preset, { inputSize: [size, size], seed: 1 });
  const model = MSFlowModel.create(config);
  try {
    const { weights, sidecar } = await serializeCheckpoint(model);
    return { config, weights, sidecar };
  } finally {
    model.dispose();
  }
}

/** Seeded normalised images, NHWC. */
export function benchImages(n: number, size: number, seed = 3): Float32Array {
  return new Rng(seed).normalArray(n * size * size * 3);
}

const rssPeakMiB = () => process.resourceUsage().maxRSS / 1024;

/** One backend's model-stage entries plus its inference output at each size (for parity). */
export interface ModelRun {
  entries: BenchEntry[];
  skipped: string[];
  /** Inference result of the parity batch, by input size. */
  outputs: Map<number, InferenceResult>;
}

/**
 * Times feature extraction, flow forward, one train step and full inference on the active
 * backend for every size and batch of the plan, and keeps the parity batch's output.
 */
export async function runModelStages(
  backendName: string,
  checkpoints: ReadonlyMap<number, SharedCheckpoint>,
  plan: ModelPlan,
  log: (line: string) => void,
): Promise<ModelRun> {
  const backend = getBackend();
  const detail = backend.info().detail;
  const run: ModelRun = { entries: [], skipped: [], outputs: new Map() };
  const tooSlow = new Set<Stage>();
  let broken: string | undefined;
  for (const size of plan.sizes) {
    const ckpt = checkpoints.get(size)!;
    const { model } = loadCheckpoint(ckpt.weights, ckpt.sidecar);
    const pipes: Pipelines = backendName === 'onnx' ? onnxPipelines(ckpt.config, model) : eagerPipelines(ckpt.config, model);
    let failure: unknown;
    try {
      if (!broken) run.outputs.set(size, await pipes.inference(benchImages(1, size), 1));
      for (const n of plan.batches) {
        if (broken) {
          run.skipped.push(`${size}px batch ${n}: not run after the backend failed (${broken})`);
          continue;
        }
        try {
          const images = benchImages(n, size);
          const features: FeatureSet = await pipes.features(images, n);
          const calls: Record<Stage, () => Promise<unknown>> = {
            features: () => pipes.features(images, n),
            flows: () => pipes.flows(features),
            trainStep: () => pipes.trainStep(features),
            inference: () => pipes.inference(images, n),
          };
          for (const stage of STAGES) {
            if (tooSlow.has(stage)) {
              run.skipped.push(`${stage} @${size}px batch ${n}: slower than ${plan.slowCallMs / 1000} s per call at a smaller size`);
              continue;
            }
            const t0 = performance.now();
            await calls[stage]();
            const first = performance.now() - t0;
            let timing: Timing;
            if (first > plan.slowCallMs) {
              // Too slow to repeat: the first call is the only sample (it includes any warm-up).
              timing = summarize([first]);
              tooSlow.add(stage);
            } else {
              timing = await measure(async () => void (await calls[stage]()), { ...plan.reps, warmup: Math.max(0, plan.reps.warmup - 1) });
            }
            const imagesPerSecond = n / (timing.medianMs / 1000);
            run.entries.push({ backend: backendName, detail, name: `${stage} ${size}px batch ${n}`, kind: 'model', timing, imagesPerSecond, rssMiB: rssPeakMiB(), deviceMiB: deviceMiB() });
            log(`${backendName} ${stage} ${size}px batch ${n}: ${timing.medianMs.toFixed(1)} ms, ${imagesPerSecond.toFixed(2)} img/s`);
          }
        } catch (err) {
          // Keep what was measured; a backend that aborted (e.g. WebAssembly out of memory) is not trusted further.
          broken = (err as Error).message.split('\n')[0];
          run.skipped.push(`${size}px batch ${n}: failed: ${broken}`);
          log(`${backendName} ${size}px batch ${n} failed: ${broken}`);
        }
      }
    } catch (err) {
      failure = err;
    }
    try {
      await pipes.dispose();
      model.dispose();
    } catch (err) {
      failure ??= broken ? undefined : err; // after an abort the backend may not even free cleanly
    }
    if (failure) throw failure;
  }
  return run;
}

function deviceMiB(): number | undefined {
  const m = getBackend().memory?.();
  return m ? m.bytes / 2 ** 20 : undefined;
}

/** Parity of one backend's anomaly maps and scores against the reference backend's. */
export interface ParityEntry {
  backend: string;
  reference: string;
  size: number;
  maxAbsMap: number;
  meanAbsMap: number;
  maxAbsScore: number;
  meanAbsScore: number;
}

/** Max and mean absolute differences of every backend's output against `reference`'s. */
export function parityEntries(outputs: ReadonlyMap<string, ReadonlyMap<number, InferenceResult>>, reference: string): ParityEntry[] {
  const ref = outputs.get(reference);
  if (!ref) return [];
  const out: ParityEntry[] = [];
  for (const [backend, bySize] of outputs) {
    if (backend === reference) continue;
    for (const [size, r] of bySize) {
      const base = ref.get(size);
      if (!base) continue;
      const [maxAbsMap, meanAbsMap] = absDiff(r.map, base.map);
      const [maxAbsScore, meanAbsScore] = absDiff(r.scores, base.scores);
      out.push({ backend, reference, size, maxAbsMap, meanAbsMap, maxAbsScore, meanAbsScore });
    }
  }
  return out;
}

/** [max, mean] of |a - b|; NaN anywhere makes both NaN so a broken backend cannot look exact. */
export function absDiff(a: Float32Array, b: Float32Array): [number, number] {
  if (a.length !== b.length) throw new Error(`parity: outputs hold ${a.length} and ${b.length} values`);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return [NaN, NaN];
    if (d > max) max = d;
    sum += d;
  }
  return [max, a.length ? sum / a.length : 0];
}
