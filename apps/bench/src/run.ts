import { Rng, getBackend, registeredBackends, resolveBackend, setBackend } from '@msflow/core';
import { registerInstalledBackends } from '@msflow/detector';
import { describeMachine } from './machine.js';
import { parityEntries, runModelStages, sharedCheckpoint, type ModelPlan, type SharedCheckpoint } from './model_bench.js';
import { opCases, runOnce } from './ops.js';
import type { InferenceResult } from './pipelines.js';
import type { BenchEntry, BenchReport } from './report.js';
import { measure } from './stats.js';
import { packageVersions } from './versions.js';

export interface BenchOptions {
  quick: boolean;
  /** Backend names to run; default every registered one. */
  backends?: string[];
  /** Overrides of the model plan (preset, sizes, batches). */
  model?: Partial<Pick<ModelPlan, 'preset' | 'sizes' | 'batches'>>;
  /** Skip the model-level stages (ops only). */
  opsOnly?: boolean;
  log?: (line: string) => void;
}

const rssPeakMiB = () => process.resourceUsage().maxRSS / 1024;

/** The model plan of a run: `--quick` is sized to finish in about a minute on 2 cores. */
export function modelPlan(quick: boolean, overrides: BenchOptions['model'] = {}): ModelPlan {
  const base: ModelPlan = quick
    ? { preset: 'cpu-resnet18', sizes: [64], batches: [1, 2], reps: { warmup: 1, reps: 3, budgetMs: 2_000 }, slowCallMs: 10_000 }
    : { preset: 'cpu', sizes: [256, 512], batches: [1, 4], reps: { warmup: 1, reps: 5, budgetMs: 20_000 }, slowCallMs: 60_000 };
  return { ...base, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
}

/**
 * Runs the op micro benchmarks and the model stages (features, flows, train step, inference) on
 * every requested backend that starts, then compares each backend's anomaly maps and scores with
 * the first backend's (the parity reference). Backends that cannot start are reported with the
 * reason.
 */
export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const log = opts.log ?? (() => {});
  await registerInstalledBackends();
  const machine = describeMachine();
  const names = opts.backends ?? registeredBackends().filter((n) => !n.startsWith('tfjs-'));
  const plan = modelPlan(opts.quick, opts.model);
  const report: BenchReport = {
    date: new Date().toISOString(),
    quick: opts.quick,
    machine,
    versions: packageVersions(),
    plan: opts.opsOnly ? undefined : { preset: plan.preset, sizes: plan.sizes, batches: plan.batches },
    backends: {},
    entries: [],
    parity: [],
    skipped: [],
  };
  const reps = opts.quick ? { warmup: 1, reps: 3, budgetMs: 3_000 } : { warmup: 2, reps: 10, budgetMs: 30_000 };
  const checkpoints = new Map<number, SharedCheckpoint>();
  const outputs = new Map<string, Map<number, InferenceResult>>();
  for (const name of names) {
    let detail: string;
    try {
      setBackend(await resolveBackend([name]));
      detail = getBackend().info().detail;
    } catch (err) {
      let reason = (err as Error).message.replace(/^no backend could be started: /, '');
      while (reason.startsWith(`${name}: `)) reason = reason.slice(name.length + 2);
      report.skipped.push({ backend: name, reason });
      log(`skip ${name}: ${(err as Error).message}`);
      continue;
    }
    report.backends[name] = detail;
    log(`${name}: ${detail}`);
    const rng = new Rng(1);
    for (const c of opCases(opts.quick)) {
      const { run, inputs } = c.setup(rng);
      try {
        const timing = await measure(() => runOnce(run), reps);
        const gflops = c.flops / (timing.medianMs / 1000) / 1e9;
        const entry: BenchEntry = { backend: name, detail, name: c.name, kind: 'op', timing, flops: c.flops, gflops, peakShare: gflops / machine.peakGflops, rssMiB: rssPeakMiB() };
        report.entries.push(entry);
        log(`${name} ${c.name}: ${timing.medianMs.toFixed(2)} ms, ${gflops.toFixed(2)} GFLOP/s`);
      } catch (err) {
        report.skipped.push({ backend: name, reason: `${c.name}: ${(err as Error).message}` });
      } finally {
        for (const t of inputs) t.dispose();
      }
    }
    if (!opts.opsOnly) {
      try {
        for (const size of plan.sizes) if (!checkpoints.has(size)) checkpoints.set(size, await sharedCheckpoint(plan, size));
        const m = await runModelStages(name, checkpoints, plan, log);
        report.entries.push(...m.entries);
        report.skipped.push(...m.skipped.map((reason) => ({ backend: name, reason })));
        outputs.set(name, m.outputs);
      } catch (err) {
        report.skipped.push({ backend: name, reason: `model stages: ${(err as Error).message.split('\n')[0]}` });
        log(`${name} model stages failed: ${(err as Error).message}`);
      }
    }
    getBackend().dispose();
  }
  const reference = [...outputs.keys()][0];
  if (reference) report.parity = parityEntries(outputs, reference);
  return report;
}
