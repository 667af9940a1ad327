import { evaluate, type EvaluateOptions, type EvaluationOutput, type FeatureSet, type FeatureSource, type MSFlowModel, type TrainStepperFactory } from '@msflow/core';
import type * as OnnxNamespace from '@msflow/backend-onnx';
import { DetectorError, UsageError } from '../errors.js';

/** Which trainer `--trainer` asks for. */
export type TrainerChoice = 'auto' | 'traced' | 'eager';

/** The settings that decide between compiled (onnxruntime) and eager paths. */
export interface ComputeChoice {
  /** `--backend` as given (`auto` lets the CLI pick the compiled paths). */
  backend: string;
  trainer: TrainerChoice;
  /** `--execution-providers`, in preference order (default cpu). */
  executionProviders?: readonly string[];
}

type OnnxModule = typeof OnnxNamespace;

/** Loaded lazily: the CLI works where onnxruntime-node is not installed. */
async function loadOnnx(): Promise<OnnxModule | string> {
  try {
    return await import('@msflow/backend-onnx');
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

/** What runs training steps and test-time scoring, and how to say so in logs. */
export interface ComputePaths {
  /** A stepper for the trainer (absent: eager on the active backend). */
  stepper?: TrainStepperFactory;
  /** Why the compiled paths are not used, when they are not. */
  why?: string;
  /** Test-time scoring of a model: compiled when the trainer is, else on the active backend. */
  scoring(model: MSFlowModel): Scoring;
}

/** {@link evaluate} bound to one model, on the chosen path. */
export interface Scoring {
  evaluate(features: FeatureSet | FeatureSource, options?: EvaluateOptions): Promise<EvaluationOutput>;
  dispose(): Promise<void>;
}

const eagerScoring = (model: MSFlowModel): Scoring => ({ evaluate: (f, o) => evaluate(model, f, o), dispose: async () => {} });

/**
 * Picks the fastest paths that start: with `--backend auto` (and `--trainer auto`), training
 * steps and scoring run as traced onnxruntime programs when `@msflow/backend-onnx` loads here;
 * otherwise everything runs eagerly on the active backend. `--trainer traced` insists (and
 * fails with the reason), `--trainer eager` never compiles. A bad `--execution-providers`
 * name is a usage error listing the available ones.
 *
 * @example
 * ```ts
 * const paths = await computePaths({ backend: 'auto', trainer: 'auto' });
 * const scoring = paths.scoring(model); // compiled scoring for evaluation
 * const trainer = new Trainer(model, undefined, { stepper: paths.stepper });
 * ```
 */
export async function computePaths(choice: ComputeChoice): Promise<ComputePaths> {
  const eager = (why: string): ComputePaths => ({ why, scoring: eagerScoring });
  if (choice.trainer === 'eager') return eager('--trainer eager');
  if (choice.trainer === 'auto' && choice.backend !== 'auto') return eager(`--backend ${choice.backend}`);
  const onnx = await loadOnnx();
  if (typeof onnx === 'string') {
    if (choice.trainer === 'traced') throw new DetectorError(`--trainer traced: @msflow/backend-onnx does not load here: ${onnx}`);
    return eager(`onnxruntime does not load: ${onnx}`);
  }
  let providers: string[];
  try {
    providers = onnx.checkExecutionProviders(choice.executionProviders ?? ['cpu']);
  } catch (err) {
    throw new UsageError(`--execution-providers: ${(err as Error).message.replace(/^execution providers: /, '')}`);
  }
  const stepper = onnx.tracedTrainStepper({ executionProviders: providers });
  return {
    stepper,
    scoring: (model) => {
      const scorer = new onnx.TracedScorer(model, { executionProviders: providers });
      return { evaluate: (f, o) => evaluate(model, f, { ...o, scorer: scorer.scorer }), dispose: () => scorer.dispose() };
    },
  };
}
