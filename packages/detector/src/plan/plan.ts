import { availableParallelism } from 'node:os';
import { evaluate, resolveBackend, type Backend, type EvaluateOptions, type EvaluationOutput, type FeatureSet, type FeatureSource, type MSFlowConfig, type MSFlowModel, type Trainer, type TrainStepperFactory } from '@msflow/core';
import type * as OnnxNamespace from '@msflow/backend-onnx';
import { FeatureExtractor } from '../backbone/extractor.js';
import type { BackboneChoice } from '../backbone/backbone.js';
import { DetectorError, UsageError } from '../errors.js';
import { onBackend, registerInstalledBackends, startBackend } from './backends.js';

/** Which trainer the `trainer` option asks for. */
export type TrainerChoice = 'auto' | 'traced' | 'eager';

/** The options that decide where the work runs. */
export interface PlanOptions {
  /**
   * The eager backend (it holds the model's parameters): `auto` (default: the best registered
   * one, and the traced onnxruntime paths where they load), a name (`tfjs`, `webgpu`, ...) or a
   * comma-separated preference list. Naming a backend runs everything on it, the backbone too.
   */
  backend?: string;
  /** `auto` (traced where onnxruntime loads and `backend` is `auto`), `traced` (insists) or `eager`. */
  trainer?: TrainerChoice;
  /** onnxruntime execution providers of the traced paths, in preference order (default `['cpu']`). */
  executionProviders?: readonly string[];
}

/** Where one stage of the work runs. */
export interface PlanStage {
  /** `onnxruntime (cpu, 2 threads)` or the eager backend's name. */
  runs: string;
  /** One compiled onnxruntime program (rather than kernel by kernel on the eager backend). */
  traced: boolean;
  /** Why it is not traced, when it is not. */
  why?: string;
}

/** What an {@link ExecutionPlan} decided; stored in metrics.json, printed by the CLI. */
export interface PlanSummary {
  /** The eager backend: the model's parameters, and every stage that is not traced. */
  backend: { name: string; detail: string };
  /** The frozen backbone (feature extraction). */
  features: PlanStage;
  /** Optimizer steps. */
  training: PlanStage;
  /** Test-time scoring (flows, maps, image scores). */
  scoring: PlanStage;
}

/** {@link evaluate} bound to one model, on the plan's scoring path. */
export interface Scoring {
  evaluate(features: FeatureSet | FeatureSource, options?: EvaluateOptions): Promise<EvaluationOutput>;
  dispose(): Promise<void>;
}

type OnnxModule = typeof OnnxNamespace;

/** Loaded lazily: the library works where onnxruntime-node is not installed. */
async function loadOnnx(): Promise<OnnxModule | string> {
  try {
    return await import('@msflow/backend-onnx');
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
}

const THREADS = Math.max(1, availableParallelism());
const ortName = (providers: readonly string[]) => `onnxruntime (${providers.join(',')}, ${THREADS} thread${THREADS === 1 ? '' : 's'})`;

/** The options checked, before any backend starts (see {@link ExecutionPlan.check}). */
export class CheckedPlan {
  /** @internal */
  constructor(
    readonly options: PlanOptions,
    /** The onnx module and execution providers, when onnxruntime loads here. */
    private readonly onnx: { module: OnnxModule; providers: string[] } | { error: string },
  ) {}

  /** Starts the backends and decides each stage. */
  async start(): Promise<ExecutionPlan> {
    const backendOption = this.options.backend ?? 'auto';
    const auto = backendOption === 'auto';
    const trainer = this.options.trainer ?? 'auto';
    const eager = await startBackend(backendOption);
    const info = eager.info();
    const eagerStage = (why: string): PlanStage => ({ runs: info.name, traced: false, why });
    const onnx = 'module' in this.onnx ? this.onnx : undefined;
    const notLoaded = 'error' in this.onnx ? `onnxruntime does not load: ${this.onnx.error}` : undefined;

    // The backbone follows `backend`: onnxruntime when it is auto, else the named backend.
    let features: PlanStage;
    let onnxBackend: Backend | undefined;
    if (!auto) features = eagerStage(`backend ${backendOption}`);
    else if (!onnx) features = eagerStage(notLoaded!);
    else {
      await registerInstalledBackends();
      try {
        onnxBackend = await resolveBackend(['onnx']);
        features = { runs: ortName(onnx.providers), traced: true };
      } catch (err) {
        features = eagerStage(`the onnx backend does not start: ${(err as Error).message.split('\n')[0]}`);
      }
    }

    // Training and scoring share one path: the traced scorer reads the traced trainer's weights.
    let compute: PlanStage;
    if (trainer === 'eager') compute = eagerStage('trainer eager');
    else if (trainer === 'auto' && !auto) compute = eagerStage(`backend ${backendOption}`);
    else if (!onnx) compute = eagerStage(notLoaded!);
    else compute = { runs: ortName(onnx.providers), traced: true };

    return new ExecutionPlan(
      eager,
      { backend: { name: info.name, detail: info.detail.split(';')[0] }, features, training: compute, scoring: { ...compute } },
      compute.traced ? onnx : undefined,
      features.traced ? { backend: onnxBackend!, providers: onnx!.providers } : undefined,
    );
  }
}

/**
 * One decision of where the work runs, made once from the options and what loads here: the
 * eager backend (the model's parameters), the backbone (onnxruntime when `backend` is `auto`
 * and it loads, else the named backend), and training and scoring (one traced onnxruntime
 * program each where onnxruntime loads and neither `backend` nor `trainer` asks otherwise).
 * Training, testing, prediction, `msflow serve` and the benchmarks all take their paths from it.
 *
 * @example
 * ```ts
 * const plan = await ExecutionPlan.resolve({ backend: 'auto' });
 * console.log(plan.describe().join('\n'));
 * const trainer = new Trainer(model, undefined, { stepper: plan.stepper });
 * ```
 */
export class ExecutionPlan {
  /** @internal */
  constructor(
    /** The eager backend: the model's parameters live here. */
    readonly backend: Backend,
    readonly summary: PlanSummary,
    private readonly traced: { module: OnnxModule; providers: string[] } | undefined,
    private readonly featuresOnOnnx: { backend: Backend; providers: string[] } | undefined,
  ) {}

  /**
   * Checks the options without starting a backend: unknown execution providers are a usage
   * error, `trainer: 'traced'` where onnxruntime does not load fails. Cheap, so callers can
   * check options before reading any data.
   */
  static async check(options: PlanOptions = {}): Promise<CheckedPlan> {
    const trainer = options.trainer ?? 'auto';
    if (!['auto', 'traced', 'eager'].includes(trainer)) throw new UsageError(`expected one of auto, traced, eager, got '${trainer}'`, { option: 'trainer' });
    const onnx = await loadOnnx();
    if (typeof onnx === 'string') {
      if (trainer === 'traced') throw new DetectorError(`@msflow/backend-onnx does not load here: ${onnx}`, { option: 'trainer', value: 'traced' });
      return new CheckedPlan(options, { error: onnx });
    }
    let providers: string[];
    try {
      providers = onnx.checkExecutionProviders(options.executionProviders ?? ['cpu']);
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/^execution providers: /, ''), { option: 'executionProviders' });
    }
    return new CheckedPlan(options, { module: onnx, providers });
  }

  /** {@link check} and {@link CheckedPlan.start} in one call. */
  static async resolve(options: PlanOptions = {}): Promise<ExecutionPlan> {
    return (await ExecutionPlan.check(options)).start();
  }

  /** The trainer's stepper (absent: eager on {@link backend}). */
  get stepper(): TrainStepperFactory | undefined {
    return this.traced?.module.tracedTrainStepper({ executionProviders: this.traced.providers });
  }

  /**
   * Test-time scoring of `model` on the planned path. With the run's `trainer`, traced scoring
   * reads the traced trainer's parameter store directly (no copy through the model's backend).
   */
  scoring(model: MSFlowModel, trainer?: Trainer): Scoring {
    if (!this.traced) return { evaluate: (f, o) => onBackend(this.backend, () => evaluate(model, f, o)), dispose: async () => {} };
    const store = trainer && 'graphParams' in trainer.stepper ? (trainer.stepper as unknown as OnnxNamespace.GraphParamStore) : undefined;
    const scorer = new this.traced.module.TracedScorer(model, { executionProviders: this.traced.providers, ...(store ? { params: store } : {}) });
    return { evaluate: (f, o) => evaluate(model, f, { ...o, scorer: scorer.scorer }), dispose: () => scorer.dispose() };
  }

  /** Builds the frozen backbone where the plan runs it (see {@link FeatureExtractor}). */
  openExtractor(choice: BackboneChoice, config: MSFlowConfig): Promise<FeatureExtractor> {
    return FeatureExtractor.open(choice, config, this.featuresOnOnnx ? { onnx: this.featuresOnOnnx, via: this.summary.features.runs } : { backend: this.backend });
  }

  /** The plan as one log line (see {@link describePlan}). */
  describe(): string {
    return describePlan(this.summary);
  }
}

/**
 * A plan as one log line.
 *
 * @example
 * ```ts
 * describePlan(plan.summary); // 'backbone traced on onnxruntime (cpu, 2 threads); training traced on ...; parameters on tfjs (wasm)'
 * ```
 */
export function describePlan(p: PlanSummary): string {
  const stage = (name: string, st: PlanStage) => `${name} ${st.traced ? 'traced' : 'eager'} on ${st.runs}${st.why ? ` (not traced: ${st.why})` : ''}`;
  return `${stage('backbone', p.features)}; ${stage('training', p.training)}; ${stage('scoring', p.scoring)}; parameters on ${p.backend.detail}`;
}
