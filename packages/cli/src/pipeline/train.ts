import { basename, dirname, join } from 'node:path';
import { CheckpointError, type TrainingMetrics } from '@msflow/core';
import type { RunDecision, TypeMetrics } from '@msflow/eval';
import { checkpointStem, decisionOn, describePlan, Detector, lockRun, saveParts, type DetectorParts, writeEvaluationReport, type CheckpointPaths, type ExecutionPlan, type FeaturesReady, type FitEvent, type PlanSummary, type ReportFiles, type Thresholds } from '@msflow/detector';
import type { Output } from '../util/output.js';
import { trainProgress } from './progress.js';
import { LazyRunDir, removeStaleFeatureCaches } from './run_dir.js';
import { CliError } from '../util/errors.js';
import type { TrainSettings } from './settings.js';

/** What training one class produced. */
export interface TrainOutcome {
  className: string;
  status: 'completed' | 'cancelled';
  runDir: string;
  checkpoint: CheckpointPaths;
  /** Last and best test metrics per meta-epoch (empty without a test split). */
  metrics: TrainingMetrics;
  /** Metrics of the final model on the test split (= the last meta-epoch's). */
  final?: Record<string, number>;
  /** The final model's metrics per defect type, each against the normal test images. */
  finalByType?: TypeMetrics[];
  thresholds: Thresholds;
  /** The stored image threshold on the test split: FPR on its normals beside the target. */
  decision?: RunDecision;
  report?: ReportFiles;
  images: { train: number; validation: number; test: number };
  backend: { name: string; detail: string };
  /** Where the backbone, training and scoring ran. */
  plan: PlanSummary;
  /** What ran the training steps, e.g. `traced onnx (cpu, 2 threads)` or `eager (tfjs)`. */
  trainer: string;
  featuresVia: string;
  timings: Record<string, number>;
}

/** Context of a training call. */
export interface TrainContext {
  out: Output;
  /** Aborting stops at the next step and saves a resumable checkpoint. */
  signal?: AbortSignal;
  /** The execution plan, when the caller already resolved it (else from the settings). */
  plan?: ExecutionPlan;
  /**
   * Called once the features are computed, before training: the features the flows train on
   * and the test set's. The accuracy benchmark runs its kNN baseline here, on exactly these
   * features, instead of running the backbone a second time.
   */
  onFeatures?: (features: FeaturesReady & { className: string }) => Promise<void> | void;
}

/** Prints a fit's events as the CLI's log lines and progress bars. */
function fitLog(out: Output, s: TrainSettings, fallbackClass: string) {
  let cls = fallbackClass;
  let bar: ReturnType<Output['progress']> | undefined;
  let train: ReturnType<typeof trainProgress> | undefined;
  let backbone = '';
  let preset = s.preset;
  let plan: PlanSummary | undefined;
  return {
    get className() {
      return cls;
    },
    end: () => train?.end(),
    onProgress(e: FitEvent) {
      switch (e.type) {
        case 'start':
          cls = e.dataset?.className || (e.dataset ? basename(e.dataset.root) : fallbackClass);
          preset = e.preset;
          plan = e.plan;
          break;
        case 'features':
          bar ??= out.progress(`features ${cls}`, e.total);
          bar.tick(e.done);
          break;
        case 'featuresReady':
          bar?.end();
          backbone = e.backbone;
          // Printed once the data has been read: an early failure stays one line.
          if (plan) out.log(`${cls}: plan: ${describePlan(plan)}`);
          out.log(`${cls}: features of ${e.train} training${e.test ? ` and ${e.test} test` : ''} images in ${e.seconds.toFixed(1)} s (backbone ${e.backbone} on ${e.via}; training features in ${e.where === 'disk' ? `a float16 file ${e.cachePath}` : 'memory'})`);
          break;
        case 'notice':
          out.log(`${cls}: ${e.message}`);
          break;
        case 'translate':
          out.log(`${cls}: training images shifted by up to ${(e.fraction * 100).toFixed(1)}% of each side, drawn afresh each meta-epoch (${e.seconds.toFixed(1)} s of backbone per draw)`);
          break;
        case 'training':
          train = trainProgress(out, cls, e);
          if (e.finished) out.log(`${cls}: the checkpoint's training is already complete`);
          else out.log(`${cls}: training ${backbone} flows (${preset}) on ${e.trainer}: ${e.metaEpochs} x ${e.subEpochs} passes over ${e.images} images, batch ${e.batchSize}${e.resumedAt !== undefined ? `, resuming at step ${e.resumedAt}` : ''}`);
          break;
        default:
          train?.onEvent(e);
      }
    },
  };
}

/**
 * `msflow train` for one class, as a shell over `@msflow/detector`'s fit: the run folder (locked
 * while this process writes it; `latest` moves only to a complete checkpoint), a checkpoint after
 * each meta-epoch and at the end (with thresholds), the log lines, and the HTML report. With
 * `settings.resume`, continues that checkpoint's run in its folder.
 *
 * @example
 * ```ts
 * const outcome = await trainClass(resolveTrainSettings({ data: 'data/mvtec', class: 'bottle' }), 'bottle', { out });
 * ```
 */
export async function trainClass(s: TrainSettings, className: string, ctx: TrainContext): Promise<TrainOutcome> {
  // One writer per run: a resumed run's folder is locked (and what a killed writer left there
  // tidied) before its checkpoint is read; a new run's folder when it is created.
  const resumeDir = s.resume ? dirname(checkpointStem(s.resume)) : undefined;
  const lock = resumeDir ? lockRun(resumeDir, 'msflow train --resume') : undefined;
  if (resumeDir && lock?.tidied.length) ctx.out.log(`${resumeDir}: ${lock.tidied.join(', ')} (left by an interrupted run)`);
  const run = new LazyRunDir(s.out, className, resumeDir && lock ? { dir: resumeDir, lock } : undefined);
  try {
    const stale = removeStaleFeatureCaches(join(s.out, '.feature-cache'));
    if (stale.length) ctx.out.log(`removed ${stale.length} feature cache file(s) of interrupted runs from ${join(s.out, '.feature-cache')}`);
    return await trainInRun(s, className, ctx, run);
  } finally {
    run.close();
  }
}

async function trainInRun(s: TrainSettings, className: string, ctx: TrainContext, run: LazyRunDir): Promise<TrainOutcome> {
  const { out } = ctx;
  const t0 = performance.now();
  const log = fitLog(out, s, className);
  // A checkpoint is complete once saved; non-finite weights are refused and the previous one kept.
  const save = async (parts: DetectorParts): Promise<CheckpointPaths> => {
    let saved: CheckpointPaths;
    try {
      saved = await saveParts(parts, run.path());
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err;
      const kept = run.saved ? ` (the previous checkpoint in ${run.created} is kept)` : '';
      throw new CliError(`${log.className}: training diverged, the checkpoint was not saved${kept}: ${err.message}`);
    }
    run.markSaved();
    return saved;
  };
  const explicit = !s.resume || s.explicitModel;
  const r = await Detector.fitWithReport({
    plan: ctx.plan,
    backend: s.backend,
    trainer: s.trainer,
    executionProviders: s.executionProviders,
    ...(s.data ? { train: { kind: s.kind, root: s.data, className, testDir: s.testDir, masksDir: s.masksDir } } : {}),
    // A resumed run keeps its own --eval / --no-eval unless the flag is given again.
    ...(s.evaluateChosen || !s.resume ? { evaluate: s.evaluate } : {}),
    ...(explicit ? { preset: s.preset, config: s.overrides } : {}),
    backbone: s.backbone,
    ...(s.valSplitChosen ? { valSplit: s.valSplit } : {}),
    fpr: s.fpr,
    featureCache: s.featureCache,
    cacheDir: join(s.out, '.feature-cache'),
    resume: s.resume,
    signal: ctx.signal,
    onProgress: (e) => log.onProgress(e),
    onFeatures: ctx.onFeatures ? (f) => ctx.onFeatures!({ ...f, className: log.className }) : undefined,
    onMetaEpochEnd: async (parts) => void (await save(parts)),
  });
  log.end();
  const d = r.detector;
  try {
    const checkpoint = await save(r.parts);
    const plan = d.planSummary;
    const base = { className: log.className, runDir: run.path(), checkpoint, metrics: r.metrics, thresholds: r.thresholds, images: r.images, backend: plan.backend, plan, trainer: r.trainer, featuresVia: r.featuresVia, timings: r.timings };
    if (r.status === 'cancelled') return { ...base, status: 'cancelled' };
    let report: ReportFiles | undefined;
    if (r.final) {
      r.timings.total = (performance.now() - t0) / 1000;
      report = writeEvaluationReport(run.path(), {
        datasetName: d.info.dataset?.kind ?? 'folder',
        className: log.className,
        set: r.final.set,
        output: r.final.output,
        evaluation: r.final.evaluation,
        backend: plan.backend,
        plan,
        timings: r.timings,
        training: r.metrics,
        config: d.config as unknown as Record<string, unknown>,
        thresholds: r.thresholds,
      });
    }
    r.timings.total = (performance.now() - t0) / 1000;
    const decision = r.final ? decisionOn(r.thresholds, r.final.output, r.final.set) : undefined;
    return { ...base, status: 'completed', ...(r.final ? { final: r.final.evaluation.metrics } : {}), ...(r.finalByType ? { finalByType: r.finalByType } : {}), ...(decision ? { decision } : {}), report };
  } finally {
    await d.dispose();
  }
}
