import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assertFiniteScores, CheckpointError, getBackend, MSFlowModel, restoreModel, restoreTrainer, Trainer, validationLoss, type EvaluationOutput, type FeatureSet, type FeatureSource, type MSFlowConfig, type TrainingMetrics } from '@msflow/core';
import type { Evaluation, RunDecision, TypeMetrics } from '@msflow/eval';
import { CliError, UsageError } from '../util/errors.js';
import type { Output } from '../util/output.js';
import { checkpointStem, lockRun, readCheckpoint, writeCheckpoint, type CheckpointPaths, type CliSidecarInfo, computePaths, type ComputePaths, hasTestSplit, openSplit, type DatasetRef, FeatureExtractor, type ExtractedSet, normalSplit, subsetFeatures, ShiftedFeatures, f1Threshold, normalThreshold, type Thresholds } from '@msflow/detector';
import { trainProgress } from './progress.js';
import { decisionOn, HEADLINE_METRICS, scoreEvaluation, writeEvaluationReport, type ReportFiles } from './report.js';
import { LazyRunDir, removeStaleFeatureCaches } from './run_dir.js';
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
  /** The trainer and scoring paths, when the caller already chose them (else from the settings). */
  paths?: ComputePaths;
  /**
   * Called once the features are computed, before training: the features the flows train on
   * and the test set's. The accuracy benchmark runs its kNN baseline here, on exactly these
   * features, instead of running the backbone a second time.
   */
  onFeatures?: (features: FeaturesReady) => Promise<void> | void;
}

/** What {@link TrainContext.onFeatures} receives. */
export interface FeaturesReady {
  className: string;
  config: MSFlowConfig;
  /** The training images' features (without the held-out validation images). */
  train: FeatureSet | FeatureSource;
  test?: ExtractedSet;
  /** Seconds the backbone took for both sets. */
  seconds: number;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/** The dataset of a run: from the flags, else (on resume) the one the checkpoint recorded. */
function datasetRef(s: TrainSettings, className: string, recorded?: DatasetRef): DatasetRef {
  if (s.data) return { kind: s.kind, root: s.data, className, testDir: s.testDir, masksDir: s.masksDir };
  if (recorded) return recorded;
  throw new UsageError('--data: required (the dataset root, e.g. --data data/mvtec --class bottle)');
}

/**
 * Trains one class end to end: features once (frozen backbone), the flows on the active backend,
 * a test-set evaluation after each meta-epoch (when the dataset has a test split), a checkpoint
 * after each meta-epoch and at the end (with thresholds), and the HTML report. With
 * `settings.resume`, continues that checkpoint's run in its folder.
 *
 * @example
 * ```ts
 * await useBackend('auto');
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
  const timings: Record<string, number> = {};
  const paths = ctx.paths ?? (await computePaths(s));
  const resumed = s.resume ? readCheckpoint(s.resume, { expect: s.explicitModel ? s.config : undefined }) : undefined;
  if (resumed && !resumed.sidecar.training) throw new CliError(`${resumed.paths.sidecar}: checkpoint has no training state to resume (saved without its optimizer)`);
  let config: MSFlowConfig = resumed ? resumed.sidecar.config : s.config;
  const backboneChoice = resumed?.sidecar.cli?.backbone ?? s.backbone;
  const ref = datasetRef(s, resumed?.sidecar.cli?.dataset?.className ?? className, resumed?.sidecar.cli?.dataset);
  const trainSet = openSplit(ref, 'train', { size: config.inputSize });
  // A resumed run keeps its own --eval / --no-eval unless the flag is given again.
  const evaluateRun = resumed && !s.evaluateChosen ? (resumed.sidecar.cli?.evaluate ?? true) : s.evaluate;
  const testDs = evaluateRun && hasTestSplit(ref) ? openSplit(ref, 'test', { size: config.inputSize, keepRgb: true }) : undefined;

  // Features: the frozen backbone runs once per image. A disk cache (float16) lives under the runs
  // root for the duration of this process only.
  const cachePath = join(s.out, '.feature-cache', `${ref.className}-${process.pid}.safetensors`);
  process.once('exit', () => rmSync(cachePath, { force: true }));
  let t = performance.now();
  const fx = await FeatureExtractor.open(backboneChoice, config);
  // Translation re-runs the backbone on shifted training images every meta-epoch, so the
  // extractor stays open until training ends.
  const translate = config.train.translate ?? 0;
  let keepExtractor = false;
  let train: ExtractedSet;
  let test: ExtractedSet | undefined;
  try {
    const spec = fx.backbone.spec;
    if (resumed && (spec.id !== config.backbone || spec.padMode !== config.backbonePadding)) {
      throw new CliError(`${resumed.paths.sidecar}: checkpoint was trained on ${config.backbone}/${config.backbonePadding} features, --backbone gives ${spec.id}/${spec.padMode}`);
    }
    config = { ...config, backbone: spec.id, backbonePadding: spec.padMode };
    const bar = out.progress(`features ${ref.className}`, trainSet.length + (testDs?.length ?? 0));
    train = await fx.extract(trainSet, { onProgress: (d) => bar.tick(d), cache: { mode: s.featureCache, path: cachePath } });
    if (testDs) test = await fx.extract(testDs, { onProgress: (d) => bar.tick(train.features.count + d) });
    bar.end();
    keepExtractor = translate > 0;
  } finally {
    if (!keepExtractor) await fx.dispose();
  }
  timings.features = seconds(t);
  out.log(`${ref.className}: features of ${train.features.count} training${test ? ` and ${test.features.count} test` : ''} images in ${timings.features.toFixed(1)} s (backbone ${config.backbone} on ${fx.via}; training features in ${train.where === 'disk' ? `a float16 file ${cachePath}` : 'memory'})`);
  const recordedSplit = resumed?.sidecar.cli?.split;
  const fpr = recordedSplit?.fpr ?? s.fpr;
  const split = normalSplit(train.features.count, recordedSplit?.valSplit ?? s.valSplit, config.seed, !!recordedSplit || s.valSplitChosen);
  const valSplit = split.valSplit;
  if (split.note) out.log(`${ref.className}: ${split.note}`);
  const normalCount = split.validation.length || split.train.length;
  if (normalCount < 2) throw new UsageError(`--val-split: ${valSplit} of ${train.features.count} images holds out ${normalCount}; the threshold needs at least 2 normal images`);
  const trainFeatures = split.validation.length ? subsetFeatures(train.features, split.train) : train.features;
  const valFeatures = split.validation.length ? subsetFeatures(train.features, split.validation) : undefined;
  await ctx.onFeatures?.({ className: ref.className, config, train: trainFeatures, test, seconds: timings.features });

  const info = getBackend().info();
  const backend = { name: info.name, detail: info.detail.split(';')[0] };
  const model = resumed ? restoreModel(resumed) : MSFlowModel.create(config);
  const trainer = resumed ? restoreTrainer(model, resumed, { stepper: paths.stepper }) : new Trainer(model, undefined, { stepper: paths.stepper });
  const scoring = paths.scoring(model);
  const evaluate = scoring.evaluate;
  out.log(`${ref.className}: trainer ${trainer.stepper.description}${paths.why ? ` (not traced: ${paths.why})` : ''}`);
  const cli: CliSidecarInfo = { backbone: backboneChoice, dataset: ref, thresholds: {}, split: { valSplit, fpr }, evaluate: evaluateRun };
  const save = async () => {
    let saved: CheckpointPaths;
    try {
      saved = await writeCheckpoint(join(run.path(), 'model'), model, { trainer, preset: resumed?.sidecar.preset ?? s.preset, backend: backend.name, cli });
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err;
      const kept = run.saved ? ` (the previous checkpoint in ${run.created} is kept)` : '';
      throw new CliError(`${ref.className}: training diverged, the checkpoint was not saved${kept}: ${err.message}`);
    }
    run.markSaved();
    return saved;
  };
  const scored = (what: string) => `the model being trained on ${ref.className} (${what})`;
  let shifted: ShiftedFeatures | undefined;
  try {
    const tc = config.train;
    // A finished checkpoint trains no further: no draw to extract.
    if (translate > 0 && !trainer.finished) {
      process.once('exit', () => shifted?.dispose());
      const round = Math.floor(trainer.state.subEpoch / tc.subEpochs);
      shifted = await ShiftedFeatures.open(fx, { dataset: trainSet, indices: split.train, fraction: translate, seed: config.seed, cache: { mode: s.featureCache, path: cachePath } }, round);
      out.log(`${ref.className}: training images shifted by up to ${(translate * 100).toFixed(1)}% of each side, drawn afresh each meta-epoch (${shifted.seconds.toFixed(1)} s of backbone per draw)`);
    }
    const stepsPerPass = Math.ceil(trainFeatures.count / tc.batchSize);
    const state = trainer.state;
    const progress = trainProgress(out, ref.className, {
      totalSteps: tc.metaEpochs * tc.subEpochs * stepsPerPass,
      doneSteps: state.step,
      batchSize: tc.batchSize,
      images: trainFeatures.count,
      subEpochs: tc.subEpochs,
      metaEpochs: tc.metaEpochs,
    });
    if (trainer.finished) out.log(`${ref.className}: the checkpoint's training is already complete`);
    else out.log(`${ref.className}: training ${config.backbone} flows (${s.preset}) on ${trainer.stepper.description}: ${tc.metaEpochs} x ${tc.subEpochs} passes over ${trainFeatures.count} images, batch ${tc.batchSize}${resumed ? `, resuming at step ${state.step}` : ''}`);
    let last: { output: EvaluationOutput; evaluation: Evaluation } | undefined;
    let evalSeconds = 0;
    t = performance.now();
    const firstDraw = shifted?.seconds ?? 0;
    const result = await trainer.run(shifted ?? trainFeatures, {
      signal: ctx.signal,
      onProgress: async (e) => {
        progress.onEvent(e);
        // Let the event loop run between steps, so Ctrl-C (and the progress bar) are handled
        // even when the backend resolves every read without a macrotask.
        if (e.type === 'step') await new Promise<void>((r) => setImmediate(r));
      },
      evaluate:
        test || valFeatures
          ? async (m) => {
              const te = performance.now();
              // The held-out normal images' NLL: the only label-free sign of the flows fitting
              // the training images rather than the class.
              const metrics: Record<string, number> = valFeatures ? { valLossPerDim: (await validationLoss(m, valFeatures, tc.batchSize)).lossPerDim } : {};
              if (test) {
                const output = await evaluate(test.features);
                assertFiniteScores(output.imageScores, test.paths, scored(`meta-epoch ${trainer.state.metrics.history.length + 1}`));
                assertFiniteScores(output.nllScores, test.paths, scored(`meta-epoch ${trainer.state.metrics.history.length + 1}`));
                const evaluation = scoreEvaluation(output, test);
                last = { output, evaluation };
                for (const k of HEADLINE_METRICS) if (Number.isFinite(evaluation.metrics[k])) metrics[k] = evaluation.metrics[k];
              }
              evalSeconds += seconds(te);
              return metrics;
            }
          : undefined,
      lowerIsBetter: ['valLossPerDim'],
      onMetaEpochEnd: async (_, metaEpoch) => {
        await save();
        if (shifted && metaEpoch + 1 < tc.metaEpochs) await shifted.draw(metaEpoch + 1);
      },
    });
    progress.end();
    const augmentSeconds = shifted?.seconds ?? 0;
    timings.train = seconds(t) - evalSeconds - (augmentSeconds - firstDraw);
    timings.evaluate = evalSeconds;
    if (shifted) timings.translate = augmentSeconds;
    if (result.status === 'cancelled') {
      const checkpoint = await save();
      return { className: ref.className, status: 'cancelled', runDir: run.path(), checkpoint, metrics: result.metrics, thresholds: {}, images: { train: trainFeatures.count, validation: valFeatures?.count ?? 0, test: test?.features.count ?? 0 }, backend, trainer: trainer.stepper.description, featuresVia: fx.via, timings };
    }

    // Thresholds: at --fpr on normal images (held out when there is a validation split; no label
    // read), and F1-max on the test set when it has both labels (stored, used only when asked).
    t = performance.now();
    const normalOutput = await evaluate(valFeatures ?? trainFeatures);
    const normalImage = (i: number) => `normal ${valFeatures ? 'validation' : 'training'} image ${i}`;
    assertFiniteScores(normalOutput.imageScores, normalImage, scored('thresholds'));
    assertFiniteScores(normalOutput.nllScores, normalImage, scored('thresholds'));
    cli.thresholds.normal = normalThreshold(normalOutput, fpr, valFeatures ? 'validation' : 'train');
    if (!last && test) {
      const output = await evaluate(test.features);
      assertFiniteScores(output.imageScores, test.paths, scored('final evaluation'));
      assertFiniteScores(output.nllScores, test.paths, scored('final evaluation'));
      last = { output, evaluation: scoreEvaluation(output, test) };
    }
    if (last && test) cli.thresholds.f1 = f1Threshold(last.output.nllScores, test.labels, 'test');
    timings.thresholds = seconds(t);
    const checkpoint = await save();
    let report: ReportFiles | undefined;
    let final: Record<string, number> | undefined;
    let finalByType: TypeMetrics[] | undefined;
    if (last && test) {
      const evaluation = scoreEvaluation(last.output, test, true);
      final = evaluation.metrics;
      finalByType = evaluation.byType;
      timings.total = seconds(t0);
      report = writeEvaluationReport(run.path(), {
        datasetName: ref.kind,
        className: ref.className,
        set: test,
        output: last.output,
        evaluation,
        backend: { name: backend.name, detail: backend.detail },
        timings,
        training: trainer.state.metrics,
        config: config as unknown as Record<string, unknown>,
        thresholds: cli.thresholds,
      });
    }
    timings.total = seconds(t0);
    return {
      className: ref.className,
      status: 'completed',
      runDir: run.path(),
      checkpoint,
      metrics: trainer.state.metrics,
      final,
      ...(finalByType ? { finalByType } : {}),
      thresholds: cli.thresholds,
      ...(last && test ? { decision: decisionOn(cli.thresholds, last.output, test) } : {}),
      report,
      images: { train: trainFeatures.count, validation: valFeatures?.count ?? 0, test: test?.features.count ?? 0 },
      backend,
      trainer: trainer.stepper.description,
      featuresVia: fx.via,
      timings,
    };
  } finally {
    shifted?.dispose();
    await Promise.all([trainer.dispose(), scoring.dispose(), keepExtractor ? fx.dispose() : undefined]);
    model.dispose();
  }
}

