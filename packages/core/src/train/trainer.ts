import { elementsPerImage, featureSource, type FeatureSet, type FeatureSource } from '../models/msflow/features.js';
import type { MSFlowModel } from '../models/msflow/model.js';
import { Rng, type RngState } from '../random/rng.js';
import type { AdamState } from './adam.js';
import { lossPerDimension } from '../models/msflow/loss.js';
import { emptyMetrics, recordEpoch, type BestMetric, type TrainingMetrics } from './metrics.js';
import { learningRate } from './schedule.js';
import { EagerTrainStep, TrainingError, type TrainStepper, type TrainStepperFactory } from './step.js';

export { TrainingError };

/** Where a run stands; JSON-able, saved in checkpoints so a run resumes exactly. */
export interface TrainerState {
  /** Global sub-epoch index in progress (metaEpoch·subEpochs + sub). */
  subEpoch: number;
  /** Next batch within that sub-epoch. */
  batch: number;
  /** Optimizer steps taken. */
  step: number;
  /** Training images of the run (0 before the first step): a resumed sub-epoch must see the same set. */
  images: number;
  /** Generator state at the start of `subEpoch`, before its shuffle: replaying it restores the batch order. */
  epochRng: RngState;
  /** Running loss sums (Σ loss·images, images) of the current sub-epoch and meta-epoch. */
  subLoss: [number, number];
  metaLoss: [number, number];
  metrics: TrainingMetrics;
}

/** Progress events, in the order they happen. */
export type TrainEvent =
  | {
      type: 'step';
      step: number;
      metaEpoch: number;
      subEpoch: number;
      batch: number;
      batches: number;
      /** Batch-mean loss (spec §5) and the same per latent element. */
      loss: number;
      lossPerDim: number;
      /** Global gradient norm before clipping. */
      gradNorm: number;
      lr: number;
    }
  | { type: 'subEpoch'; metaEpoch: number; subEpoch: number; loss: number; lossPerDim: number; lr: number; seconds: number }
  | { type: 'evaluation'; metaEpoch: number; metrics: Record<string, number>; best: Record<string, BestMetric> };

/** Options of {@link Trainer.run}. */
export interface TrainOptions {
  /** Stops the run at the next step boundary; the result then says `cancelled` and can be resumed. */
  signal?: AbortSignal;
  onProgress?: (event: TrainEvent) => void | Promise<void>;
  /** Evaluation hook, run after every meta-epoch; its metrics are tracked as last and best. */
  evaluate?: (model: MSFlowModel, metaEpoch: number) => Record<string, number> | Promise<Record<string, number>>;
  /** Metric names where lower is better (default: all higher is better). */
  lowerIsBetter?: readonly string[];
  /** Runs after each meta-epoch's evaluation, e.g. to save a checkpoint. */
  onMetaEpochEnd?: (trainer: Trainer, metaEpoch: number) => void | Promise<void>;
}

/** Outcome of {@link Trainer.run}. */
export interface TrainResult {
  status: 'completed' | 'cancelled';
  /** Steps taken by this call. */
  steps: number;
  seconds: number;
  metrics: TrainingMetrics;
}

/** Options of the {@link Trainer} constructor. */
export interface TrainerOptions {
  /** What runs each step (default: {@link EagerTrainStep} on the active backend). */
  stepper?: TrainStepperFactory;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Trains an {@link MSFlowModel} on pre-computed features (spec §5, §7): seeded shuffling, batch
 * loss, gradients, global-norm clipping, Adam, a per-sub-epoch schedule, an evaluation hook per
 * meta-epoch. Every step frees its tensors, so memory stays flat. Its state (plus the Adam
 * moments) is everything a checkpoint needs to resume bit-for-bit.
 *
 * @example
 * ```ts
 * const model = MSFlowModel.create(presetConfig('cpu'));
 * const trainer = new Trainer(model);
 * const controller = new AbortController();
 * const result = await trainer.run(features, {
 *   signal: controller.signal,
 *   onProgress: (e) => e.type === 'step' && console.log(e.step, e.lossPerDim),
 *   evaluate: async (m) => ({ imageAuroc: await myMetric(m) }),
 * });
 * console.log(result.metrics.last, result.metrics.best);
 * ```
 */
export class Trainer {
  /** What runs each optimizer step; it owns the Adam moments. */
  readonly stepper: TrainStepper;
  private current: TrainerState;
  private running = false;

  /**
   * Starts a fresh run from the model's generator state, or resumes from `state` and `adam`
   * (both from a checkpoint).
   */
  constructor(
    readonly model: MSFlowModel,
    resume?: { state: TrainerState; adam: AdamState },
    options: TrainerOptions = {},
  ) {
    if (resume && resume.adam.step !== resume.state.step) {
      throw new TrainingError(`resume: optimizer took ${resume.adam.step} steps but the trainer state says ${resume.state.step}`);
    }
    this.stepper = (options.stepper ?? ((m, a) => new EagerTrainStep(m, a)))(model, resume?.adam);
    this.current = resume
      ? structuredClone(resume.state)
      : { subEpoch: 0, batch: 0, step: 0, images: 0, epochRng: [...model.rngState] as RngState, subLoss: [0, 0], metaLoss: [0, 0], metrics: emptyMetrics() };
  }

  /** The Adam moments and step count (float32), e.g. for a checkpoint. */
  optimizerState(): Promise<AdamState> {
    return this.stepper.optimizerState();
  }

  /** A copy of the current state. */
  get state(): TrainerState {
    return structuredClone(this.current);
  }

  /** Whether every scheduled sub-epoch has run. */
  get finished(): boolean {
    const t = this.model.config.train;
    return this.current.subEpoch >= t.metaEpochs * t.subEpochs;
  }

  /** Runs until the schedule ends or `options.signal` aborts. */
  async run(features: FeatureSet | FeatureSource, options: TrainOptions = {}): Promise<TrainResult> {
    if (this.running) throw new TrainingError('this trainer is already running');
    this.running = true;
    try {
      return await this.loop(featureSource(features), options);
    } finally {
      // Whatever happened, the model holds the latest parameters when run returns.
      await this.stepper.syncModel();
      this.running = false;
    }
  }

  private async loop(source: FeatureSource, options: TrainOptions): Promise<TrainResult> {
    this.checkFeatures(source);
    const cfg = this.model.config.train;
    const total = cfg.metaEpochs * cfg.subEpochs;
    const dims = elementsPerImage(source);
    const start = now();
    let steps = 0;
    const s = this.current;
    const result = (status: TrainResult['status']): TrainResult => ({ status, steps, seconds: (now() - start) / 1000, metrics: structuredClone(s.metrics) });

    while (s.subEpoch < total) {
      const rng = new Rng(0);
      rng.setState(s.epochRng);
      const order = rng.permutation(source.count);
      const batches = Math.ceil(source.count / cfg.batchSize);
      const metaEpoch = Math.floor(s.subEpoch / cfg.subEpochs);
      const lr = learningRate(cfg, s.subEpoch);
      const epochStart = now();
      while (s.batch < batches) {
        if (options.signal?.aborted) return result('cancelled');
        const indices = order.slice(s.batch * cfg.batchSize, (s.batch + 1) * cfg.batchSize);
        const { loss, gradNorm } = await this.stepper.run(source, indices, lr);
        s.batch++;
        s.step++;
        steps++;
        s.subLoss = [s.subLoss[0] + loss * indices.length, s.subLoss[1] + indices.length];
        s.metaLoss = [s.metaLoss[0] + loss * indices.length, s.metaLoss[1] + indices.length];
        await options.onProgress?.({
          type: 'step',
          step: s.step,
          metaEpoch,
          subEpoch: s.subEpoch,
          batch: s.batch - 1,
          batches,
          loss,
          lossPerDim: lossPerDimension(loss, dims),
          gradNorm,
          lr,
        });
      }
      const subMean = s.subLoss[0] / s.subLoss[1];
      await options.onProgress?.({
        type: 'subEpoch',
        metaEpoch,
        subEpoch: s.subEpoch,
        loss: subMean,
        lossPerDim: lossPerDimension(subMean, dims),
        lr,
        seconds: (now() - epochStart) / 1000,
      });
      s.subEpoch++;
      s.batch = 0;
      s.epochRng = rng.getState();
      s.subLoss = [0, 0];
      if (s.subEpoch % cfg.subEpochs === 0) await this.endMetaEpoch(metaEpoch, dims, options);
    }
    return result('completed');
  }

  /** Frees the optimizer moments and whatever the stepper holds (the model stays). */
  async dispose(): Promise<void> {
    await this.stepper.dispose();
  }

  private async endMetaEpoch(metaEpoch: number, dims: number, options: TrainOptions): Promise<void> {
    const s = this.current;
    const loss = s.metaLoss[0] / s.metaLoss[1];
    await this.stepper.syncModel();
    const metrics = options.evaluate ? await options.evaluate(this.model, metaEpoch) : {};
    s.metrics = recordEpoch(s.metrics, { metaEpoch, loss, lossPerDim: lossPerDimension(loss, dims), metrics: { ...metrics } }, options.lowerIsBetter);
    s.metaLoss = [0, 0];
    if (options.evaluate) await options.onProgress?.({ type: 'evaluation', metaEpoch, metrics: { ...metrics }, best: structuredClone(s.metrics.best) });
    await options.onMetaEpochEnd?.(this, metaEpoch);
  }

  private checkFeatures(source: FeatureSource): void {
    const want = this.model.config.channels;
    const got = source.shapes.map((s) => s[2]);
    if (got.length !== want.length || got.some((c, l) => c !== want[l])) {
      throw new TrainingError(`features have channels [${got.join(',')}], the model expects [${want.join(',')}]`);
    }
    if (source.count < 1) throw new TrainingError('no training images');
    const s = this.current;
    if (s.batch > 0 && s.images !== source.count) {
      throw new TrainingError(`resuming inside a sub-epoch needs the same ${s.images} training images, got ${source.count}`);
    }
    s.images = source.count;
  }
}
