import { valueAndGrads } from '../autodiff/grad.js';
import { dispose, tidy } from '../engine/engine.js';
import { featureBatch, type FeatureSource } from '../models/msflow/features.js';
import type { MSFlowModel } from '../models/msflow/model.js';
import type { Tensor } from '../tensor/tensor.js';
import { Adam, adamScalars, adamUpdate, type AdamState } from './adam.js';
import { clipByGlobalNorm } from './clip.js';
import { nllLoss } from '../models/msflow/loss.js';

/** Loss and pre-clip gradient norm of one optimizer step. */
export interface StepResult {
  loss: number;
  gradNorm: number;
}

/**
 * The machinery of one optimizer step, swappable under {@link Trainer}: the trainer owns the
 * schedule, shuffling, events and checkpoints; a stepper owns the parameters' arithmetic.
 * {@link EagerTrainStep} runs kernel by kernel on the active backend; a compiled stepper (e.g.
 * `@msflow/backend-onnx`'s traced one) may keep parameters and moments elsewhere between
 * steps, so the trainer calls {@link TrainStepper.syncModel} before anyone reads the model.
 */
export interface TrainStepper {
  /** What runs the step, for logs (`eager (tfjs wasm)`, `traced onnx (cpu)`). */
  readonly description: string;
  /** Optimizer steps taken. */
  readonly step: number;
  /**
   * One step on the images `indices` at learning rate `lr`. A non-finite loss or gradient norm
   * throws a `TrainingError` and leaves the parameters as they were.
   */
  run(source: FeatureSource, indices: readonly number[], lr: number): Promise<StepResult>;
  /** Brings the model's parameter tensors up to date. */
  syncModel(): Promise<void>;
  /** The Adam moments (float32), e.g. for a checkpoint. */
  optimizerState(): Promise<AdamState>;
  dispose(): void | Promise<void>;
}

/** Builds a stepper for a model, optionally resuming Adam moments from a checkpoint. */
export type TrainStepperFactory = (model: MSFlowModel, adam?: AdamState) => TrainStepper;

/** Thrown when the loss or the gradient norm stops being finite; the parameters are left as before that step. */
export class TrainingError extends Error {
  override name = 'TrainingError';
}

/** Checks a step's results and names the step when it diverged. */
export function checkFinite(step: number, result: StepResult): StepResult {
  if (!Number.isFinite(result.loss) || !Number.isFinite(result.gradNorm)) {
    throw new TrainingError(`step ${step}: loss ${result.loss}, gradient norm ${result.gradNorm}; training diverged (parameters unchanged)`);
  }
  return result;
}

/** The scalars one step's update needs; numbers eagerly, graph inputs when traced. */
export interface StepScalars {
  stepSize: Tensor | number;
  bc2Sqrt: Tensor | number;
}

/**
 * One whole training step as a function of tensors (spec §5, §7): batch NLL, gradients by core
 * autodiff, global-norm clipping, Adam. The eager stepper and the traced one run this same code,
 * so they cannot drift apart. Returns the new parameters and moments, the loss and the norm.
 *
 * @example
 * ```ts
 * const r = trainStepProgram(model, features, params, m, v, adamScalars(lr, t, model.config.train.betas));
 * ```
 */
export function trainStepProgram(
  model: MSFlowModel,
  features: readonly Tensor[],
  params: readonly Tensor[],
  m: readonly Tensor[],
  v: readonly Tensor[],
  scalars: StepScalars,
): { params: Tensor[]; m: Tensor[]; v: Tensor[]; loss: Tensor; gradNorm: Tensor } {
  const t = model.config.train;
  return tidy(() => {
    const { loss, grads, gradNorm } = clippedGradients(model, features, params);
    const out = params.map((p, i) => adamUpdate(p, grads[i], m[i], v[i], { betas: t.betas, eps: t.eps }, scalars));
    return { params: out.map((o) => o[0]), m: out.map((o) => o[1]), v: out.map((o) => o[2]), loss, gradNorm };
  });
}

/**
 * The part of {@link trainStepProgram} before the optimizer: batch NLL, gradients by core
 * autodiff and global-norm clipping; for steppers and tools that need the gradients themselves.
 *
 * @example
 * ```ts
 * const { loss, grads, gradNorm } = clippedGradients(model, features, model.paramTensors());
 * ```
 */
export function clippedGradients(model: MSFlowModel, features: readonly Tensor[], params: readonly Tensor[]): { loss: Tensor; grads: Tensor[]; gradNorm: Tensor } {
  return tidy(() => {
    const { value, grads } = valueAndGrads(() => {
      const { z, logDet } = model.forwardWith(features, params);
      return nllLoss(z, logDet);
    }, params);
    const clipped = clipByGlobalNorm(grads, model.config.train.clipNorm);
    return { loss: value, grads: clipped.grads, gradNorm: clipped.norm };
  });
}

/**
 * The default stepper: the step runs kernel by kernel on the active backend, parameters and
 * moments stay tensors there.
 *
 * @example
 * ```ts
 * const trainer = new Trainer(model, undefined, { stepper: (m, adam) => new EagerTrainStep(m, adam) });
 * ```
 */
export class EagerTrainStep implements TrainStepper {
  readonly adam: Adam;

  constructor(
    readonly model: MSFlowModel,
    adam?: AdamState,
  ) {
    const t = model.config.train;
    this.adam = new Adam(model.specs.map((s) => s.shape), { betas: t.betas, eps: t.eps }, adam);
  }

  get description(): string {
    const m = this.model.paramTensors()[0];
    return `eager (${m?.backend.name ?? 'no parameters'})`;
  }

  get step(): number {
    return this.adam.step;
  }

  async run(source: FeatureSource, indices: readonly number[], lr: number): Promise<StepResult> {
    const batch = await featureBatch(source, indices);
    const t = this.model.config.train;
    const { m, v } = this.adam.moments;
    let out: ReturnType<typeof trainStepProgram> | undefined;
    try {
      out = trainStepProgram(this.model, batch, this.model.paramTensors(), m, v, adamScalars(lr, this.adam.step + 1, t.betas));
      const result = checkFinite(this.adam.step + 1, { loss: await out.loss.item(), gradNorm: await out.gradNorm.item() });
      this.model.setParams(out.params);
      this.adam.commit(out.m, out.v);
      out = { ...out, params: [], m: [], v: [] };
      return result;
    } finally {
      dispose([batch, out]);
    }
  }

  async syncModel(): Promise<void> {}

  optimizerState(): Promise<AdamState> {
    return this.adam.state();
  }

  dispose(): void {
    this.adam.dispose();
  }
}
