import { assertFiniteScores, MSFlowModel, restoreModel, restoreTrainer, Trainer, validationLoss, type EvaluationOutput, type FeatureSet, type FeatureSource, type MSFlowConfig, type TrainEvent, type TrainingMetrics } from '@msflow/core';
import type { Evaluation, TypeMetrics } from '@msflow/eval';
import type { BackboneChoice } from '../backbone/backbone.js';
import type { ExtractedSet, FeatureExtractor, ImageSource } from '../backbone/extractor.js';
import { ShiftedFeatures } from '../data/shifted_features.js';
import { normalSplit, subsetFeatures } from '../data/features.js';
import type { DatasetRef } from '../data/dataset.js';
import type { CliSidecarInfo, LoadedCheckpoint } from '../model/checkpoint.js';
import { f1Threshold, normalThreshold, type Thresholds } from '../model/thresholds.js';
import { UsageError } from '../errors.js';
import { onBackend } from '../plan/backends.js';
import type { ExecutionPlan, PlanSummary } from '../plan/plan.js';
import { HEADLINE_METRICS, scoreEvaluation } from '../report/report.js';
import { extractSets, openBackbone } from './features.js';

/** Progress of a fit, in the order it happens (the trainer's own events included). */
export type FitEvent =
  | {
      type: 'start';
      /** Where the work runs. */
      plan: PlanSummary;
      /** The dataset (the recorded one when resuming). */
      dataset?: DatasetRef;
      config: MSFlowConfig;
      preset: string;
    }
  | { type: 'features'; done: number; total: number }
  | {
      type: 'featuresReady';
      /** Training images (before the validation split) and test images. */
      train: number;
      test: number;
      seconds: number;
      /** Where the backbone ran, and which one. */
      via: string;
      backbone: string;
      /** Where the training features are kept (a float16 file for sets too large for memory). */
      where: 'memory' | 'disk';
      cachePath: string;
    }
  | { type: 'translate'; fraction: number; seconds: number }
  /** Something the caller should know, in one line (e.g. a default that could not apply). */
  | { type: 'notice'; message: string }
  | {
      type: 'training';
      /** What runs the steps, e.g. `traced onnx (cpu, 2 threads)`. */
      trainer: string;
      totalSteps: number;
      doneSteps: number;
      images: number;
      batchSize: number;
      subEpochs: number;
      metaEpochs: number;
      /** Resumed from a checkpoint at this step. */
      resumedAt?: number;
      /** The checkpoint's training is already complete: no step will run. */
      finished: boolean;
    }
  | TrainEvent;

/** What {@link fitParts} trains: everything already resolved and opened. */
export interface FitRequest {
  plan: ExecutionPlan;
  config: MSFlowConfig;
  preset: string;
  backbone: BackboneChoice;
  train: ImageSource;
  /** Labelled test images, evaluated after every meta-epoch (keep their RGB for reports). */
  test?: ImageSource;
  /** Whether the run evaluates after each meta-epoch (recorded, so a resumed run keeps it). */
  evaluate: boolean;
  /** The dataset, recorded in the checkpoint so tests and resumed runs find it again. */
  dataset?: DatasetRef;
  /** Fraction of the normal images held out to choose the threshold on. */
  valSplit: number;
  /** Whether `valSplit` was asked for (or recorded): a default that would hold out one image holds out none. */
  valSplitChosen: boolean;
  /** False-positive rate of the image threshold, on the held-out normal images. */
  fpr: number;
  /** Where training features live (`auto`: a float16 file when they would take over a quarter of RAM). */
  featureCache: { mode: 'auto' | 'memory' | 'disk'; path: string };
  /** A checkpoint whose run continues. */
  resume?: LoadedCheckpoint;
}

/** What {@link FitHooks.onFeatures} receives. */
export interface FeaturesReady {
  config: MSFlowConfig;
  /** The training images' features (without the held-out validation images). */
  train: FeatureSet | FeatureSource;
  test?: ExtractedSet;
  /** Seconds the backbone took for both sets. */
  seconds: number;
}

/** The detector a fit builds, before it is wrapped (see `Detector`). */
export interface DetectorParts {
  plan: ExecutionPlan;
  model: MSFlowModel;
  /** The run's trainer (its state makes saved checkpoints resumable). */
  trainer?: Trainer;
  preset: string | null;
  info: CliSidecarInfo;
}

/** Callbacks of a fit. */
export interface FitHooks {
  /** Aborting stops at the next step; the result is then `cancelled` (and can be saved and resumed). */
  signal?: AbortSignal;
  onProgress?: (event: FitEvent) => void | Promise<void>;
  /** Called once the features exist, before training (the accuracy benchmark runs its kNN baseline here). */
  onFeatures?: (features: FeaturesReady) => Promise<void> | void;
  /** Called after every meta-epoch (with its evaluation), e.g. to save a checkpoint. */
  onMetaEpochEnd?: (parts: DetectorParts, metaEpoch: number) => Promise<void> | void;
}

/** What a fit produced. */
export interface FitResult {
  status: 'completed' | 'cancelled';
  parts: DetectorParts;
  /** Last and best metrics per meta-epoch (validation loss, and test metrics with a test set). */
  metrics: TrainingMetrics;
  /** The final model on the test set: scores, maps, metrics (with curves and per-type rows). */
  final?: { output: EvaluationOutput; evaluation: Evaluation; set: ExtractedSet };
  finalByType?: TypeMetrics[];
  thresholds: Thresholds;
  images: { train: number; validation: number; test: number };
  /** What ran the steps, and where the backbone ran. */
  trainer: string;
  featuresVia: string;
  /** Seconds: features, train, evaluate, thresholds, translate. */
  timings: Record<string, number>;
}

const seconds = (t0: number) => (performance.now() - t0) / 1000;

/**
 * Trains MSFlow end to end: features once (frozen backbone, where the plan runs it), the flows
 * (traced or eager, as planned), an evaluation after every meta-epoch (validation loss, and the
 * test metrics when there is a test set), and the thresholds at the end (at a false-positive
 * rate on held-out normal images, with the normalisation, pixel threshold and colour scale;
 * F1-max on the test set, stored and used only when asked for). With `resume`, continues that checkpoint's run exactly.
 *
 * @example
 * ```ts
 * const r = await fitParts({ plan, config, preset: 'cpu', backbone: 'default', train, valSplit: 0.2, valSplitChosen: false, fpr: 0.01, evaluate: true, featureCache: { mode: 'memory', path: '/tmp/f.safetensors' } });
 * ```
 */
export async function fitParts(request: FitRequest, hooks: FitHooks = {}): Promise<FitResult> {
  const { plan, resume } = request;
  const emit = async (e: FitEvent) => hooks.onProgress?.(e);
  const timings: Record<string, number> = {};
  const translate = request.config.train.translate ?? 0;
  await emit({ type: 'start', plan: plan.summary, dataset: request.dataset, config: request.config, preset: request.preset });

  // Features: the frozen backbone runs once per image; with translation it stays open to
  // extract a shifted draw of the training images every meta-epoch.
  const t0 = performance.now();
  const opened = await openBackbone(plan, request.backbone, request.config, resume?.paths.sidecar);
  const { config } = opened;
  let fx: FeatureExtractor | undefined = opened.extractor;
  let train: ExtractedSet;
  let test: ExtractedSet | undefined;
  try {
    [train, test] = await extractSets(fx, [{ source: request.train, cache: request.featureCache }, ...(request.test ? [{ source: request.test }] : [])], (done, total) => void emit({ type: 'features', done, total }));
  } finally {
    if (!(translate > 0)) {
      await fx.dispose();
      fx = undefined;
    }
  }
  const via = fx?.via ?? opened.extractor.via;
  timings.features = seconds(t0);
  await emit({ type: 'featuresReady', train: train.features.count, test: test?.features.count ?? 0, seconds: timings.features, via, backbone: config.backbone, where: train.where, cachePath: request.featureCache.path });
  const split = normalSplit(train.features.count, request.valSplit, config.seed, request.valSplitChosen);
  const valSplit = split.valSplit;
  if (split.note) await emit({ type: 'notice', message: split.note });
  const normalCount = split.validation.length || split.train.length;
  if (normalCount < 2) {
    await fx?.dispose();
    throw new UsageError(`${valSplit} of ${train.features.count} images holds out ${normalCount}; the threshold needs at least 2 normal images`, { option: 'valSplit' });
  }
  const trainFeatures = split.validation.length ? subsetFeatures(train.features, split.train) : train.features;
  const valFeatures = split.validation.length ? subsetFeatures(train.features, split.validation) : undefined;
  const images = { train: trainFeatures.count, validation: valFeatures?.count ?? 0, test: test?.features.count ?? 0 };
  try {
    await hooks.onFeatures?.({ config, train: trainFeatures, test, seconds: timings.features });
  } catch (err) {
    await fx?.dispose();
    throw err;
  }

  const model = onBackend(plan.backend, () => (resume ? restoreModel(resume) : MSFlowModel.create(config)));
  const trainer = onBackend(plan.backend, () => (resume ? restoreTrainer(model, resume, { stepper: plan.stepper }) : new Trainer(model, undefined, { stepper: plan.stepper })));
  // Traced scoring reads the traced trainer's parameters where they are (one store for both).
  const scoring = plan.scoring(model, trainer);
  const info: CliSidecarInfo = { backbone: request.backbone, ...(request.dataset ? { dataset: request.dataset } : {}), thresholds: {}, split: { valSplit, fpr: request.fpr }, evaluate: request.evaluate };
  // A NaN score would label every image normal: scores are checked before they become metrics or thresholds.
  const scored = (what: string) => `the model being trained on ${request.dataset?.className || 'these images'} (${what})`;
  const parts: DetectorParts = { plan, model, trainer, preset: request.preset, info };
  let shifted: ShiftedFeatures | undefined;
  const onExit = () => shifted?.dispose();
  let handedOver = false;
  try {
    const tc = config.train;
    // A finished checkpoint trains no further: no draw to extract.
    if (fx && !trainer.finished) {
      process.once('exit', onExit);
      const round = Math.floor(trainer.state.subEpoch / tc.subEpochs);
      shifted = await ShiftedFeatures.open(fx, { dataset: request.train, indices: split.train, fraction: translate, seed: config.seed, cache: request.featureCache }, round);
      await emit({ type: 'translate', fraction: translate, seconds: shifted.seconds });
    }
    const stepsPerPass = Math.ceil(trainFeatures.count / tc.batchSize);
    const state = trainer.state;
    await emit({
      type: 'training',
      trainer: trainer.stepper.description,
      totalSteps: tc.metaEpochs * tc.subEpochs * stepsPerPass,
      doneSteps: state.step,
      images: trainFeatures.count,
      batchSize: tc.batchSize,
      subEpochs: tc.subEpochs,
      metaEpochs: tc.metaEpochs,
      ...(resume ? { resumedAt: state.step } : {}),
      finished: trainer.finished,
    });
    let last: { output: EvaluationOutput; evaluation: Evaluation } | undefined;
    let evalSeconds = 0;
    let t = performance.now();
    const firstDraw = shifted?.seconds ?? 0;
    const result = await onBackend(plan.backend, () =>
      trainer.run(shifted ?? trainFeatures, {
        signal: hooks.signal,
        onProgress: async (e) => {
          await emit(e);
          // Let the event loop run between steps, so an abort (Ctrl-C) and progress output are
          // handled even when the backend resolves every read without a macrotask.
          if (e.type === 'step') await new Promise<void>((r) => setImmediate(r));
        },
        evaluate:
          test || valFeatures
            ? async (m, metaEpoch) => {
                const te = performance.now();
                // The held-out normal images' NLL: the only label-free sign of the flows fitting
                // the training images rather than the class.
                const metrics: Record<string, number> = valFeatures ? { valLossPerDim: (await validationLoss(m, valFeatures, tc.batchSize)).lossPerDim } : {};
                if (test) {
                  const output = await scoring.evaluate(test.features);
                  assertFiniteScores(output.imageScores, test.paths, scored(`meta-epoch ${metaEpoch + 1}`));
                  assertFiniteScores(output.nllScores, test.paths, scored(`meta-epoch ${metaEpoch + 1}`));
                  // The last meta-epoch's evaluation is the final one: curves and per-type rows once.
                  const evaluation = scoreEvaluation(output, test, metaEpoch + 1 === tc.metaEpochs);
                  last = { output, evaluation };
                  for (const k of HEADLINE_METRICS) if (Number.isFinite(evaluation.metrics[k])) metrics[k] = evaluation.metrics[k];
                }
                evalSeconds += seconds(te);
                return metrics;
              }
            : undefined,
        lowerIsBetter: ['valLossPerDim'],
        onMetaEpochEnd: async (_, metaEpoch) => {
          await hooks.onMetaEpochEnd?.(parts, metaEpoch);
          if (shifted && metaEpoch + 1 < tc.metaEpochs) await shifted.draw(metaEpoch + 1);
        },
      }),
    );
    const augmentSeconds = shifted?.seconds ?? 0;
    timings.train = seconds(t) - evalSeconds - (augmentSeconds - firstDraw);
    timings.evaluate = evalSeconds;
    if (shifted) timings.translate = augmentSeconds;
    const base = { parts, images, trainer: trainer.stepper.description, featuresVia: via, timings };
    if (result.status === 'cancelled') {
      handedOver = true;
      return { ...base, status: 'cancelled', metrics: result.metrics, thresholds: {} };
    }

    // Thresholds: at the false-positive rate on normal images (held out when there is a
    // validation split; no label read), and F1-max on the test set when it has both labels
    // (stored, used only when asked for).
    t = performance.now();
    const normalOutput = await scoring.evaluate(valFeatures ?? trainFeatures);
    const normalImage = (i: number) => `normal ${valFeatures ? 'validation' : 'training'} image ${i}`;
    assertFiniteScores(normalOutput.imageScores, normalImage, scored('thresholds'));
    assertFiniteScores(normalOutput.nllScores, normalImage, scored('thresholds'));
    info.thresholds.normal = normalThreshold(normalOutput, request.fpr, valFeatures ? 'validation' : 'train');
    if (test && !last?.evaluation.curves) {
      // No evaluation ran in the last meta-epoch (a resumed, already finished run).
      const output = await scoring.evaluate(test.features);
      assertFiniteScores(output.imageScores, test.paths, scored('final evaluation'));
      assertFiniteScores(output.nllScores, test.paths, scored('final evaluation'));
      last = { output, evaluation: scoreEvaluation(output, test, true) };
    }
    if (last && test) info.thresholds.f1 = f1Threshold(last.output.nllScores, test.labels, 'test');
    timings.thresholds = seconds(t);
    handedOver = true;
    return {
      ...base,
      status: 'completed',
      metrics: trainer.state.metrics,
      ...(last && test ? { final: { ...last, set: test }, ...(last.evaluation.byType ? { finalByType: last.evaluation.byType } : {}) } : {}),
      thresholds: info.thresholds,
    };
  } finally {
    process.off('exit', onExit);
    shifted?.dispose();
    await Promise.all([scoring.dispose(), fx?.dispose(), handedOver ? undefined : trainer.dispose()]);
    // A failed fit frees what it built; a finished or cancelled one hands it to the detector.
    if (!handedOver) onBackend(plan.backend, () => model.dispose());
  }
}
