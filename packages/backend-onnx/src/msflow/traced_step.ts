import {
  adamScalars,
  checkFinite,
  sizeOf,
  tensor,
  transpose,
  trainStepProgram,
  type AdamState,
  type FeatureSource,
  type MSFlowModel,
  type StepResult,
  type Tensor,
  type TrainStepper,
  type TrainStepperFactory,
} from '@msflow/core';
import { CompiledOnnxFunction } from '../compile/compiled.js';
import type { InputSpec } from '../compile/specs.js';
import type { BuiltModel } from '../compile/build.js';
import type { OnnxBackend } from '../backend.js';
import type { OnnxArray, OnnxSessionOptions } from '../runtime/session.js';
import { checkExecutionProviders } from '../runtime/providers.js';
import { onnxRuntime } from '../runtime/ort.js';
import { paramLayout, toCoreLayout, toGraphLayout, type ParamLayout } from './param_layout.js';

/** Options of {@link TracedTrainStep}. */
export interface TracedTrainStepOptions {
  /** onnxruntime execution providers in preference order (default `['cpu']`). */
  readonly executionProviders?: readonly string[];
  /** Session settings; threads default to every core. */
  readonly session?: OnnxSessionOptions;
  /** The onnx backend to trace on (default: a shared one). */
  readonly backend?: OnnxBackend;
}

/** Where a traced step's time went, summed over the steps so far (seconds). */
export interface TracedStepTimings {
  steps: number;
  /** Tracing and session creation (first step of each batch shape). */
  compile: number;
  /** Reading the batch's features. */
  features: number;
  /** onnxruntime run: forward, backward, clipping, Adam, and copying the outputs out. */
  run: number;
}

const FEATURE = (l: number) => `y${l + 1}`;

/**
 * An MSFlow training step compiled to one ONNX graph and run by onnxruntime: the batch NLL,
 * core autodiff's backward, global-norm clipping and the Adam update are core's own
 * {@link trainStepProgram}, traced once. Parameters and both Adam moments are graph inputs and
 * outputs (`param*`, `adam_m*`, `adam_v*`): each step feeds the previous step's output arrays back (onnxruntime
 * reads JS inputs in place and copies outputs out once), so nothing is retraced when they change
 * and the same graph runs on any execution provider. The model's tensors are written back only
 * when the trainer asks (evaluation, checkpoints, the end of a run).
 *
 * @example
 * ```ts
 * const trainer = new Trainer(model, undefined, { stepper: tracedTrainStepper({ executionProviders: ['cpu'] }) });
 * await trainer.run(features);
 * ```
 */
export class TracedTrainStep implements TrainStepper {
  private params: Float32Array[] | undefined;
  private m: Float32Array[];
  private v: Float32Array[];
  private steps: number;
  private dirty = false;
  private program: CompiledOnnxFunction | undefined;
  private programKey = '';
  private lastShapes: (readonly number[])[] | undefined;
  private readonly session: OnnxSessionOptions;
  /** Core shapes of the parameters, and the layout the graph holds them in. */
  private readonly shapes: readonly (readonly number[])[];
  private readonly layouts: readonly ParamLayout[];
  readonly providers: readonly string[];
  readonly threads: number;
  readonly timings: TracedStepTimings = { steps: 0, compile: 0, features: 0, run: 0 };

  constructor(
    readonly model: MSFlowModel,
    adam?: AdamState,
    private readonly options: TracedTrainStepOptions = {},
  ) {
    this.shapes = model.specs.map((s) => s.shape);
    const sizes = this.shapes.map(sizeOf);
    if (adam && (adam.m.length !== sizes.length || adam.v.length !== sizes.length || adam.m.some((a, i) => a.length !== sizes[i] || adam.v[i].length !== sizes[i]))) {
      throw new Error(`traced train step: optimizer state does not fit the model's ${sizes.length} parameters`);
    }
    this.layouts = this.shapes.map((s) => paramLayout(s));
    const load = (xs: Float32Array[]) => xs.map((a, i) => Float32Array.from(toGraphLayout(a, this.shapes[i])));
    this.m = adam ? load(adam.m) : sizes.map((n) => new Float32Array(n));
    this.v = adam ? load(adam.v) : sizes.map((n) => new Float32Array(n));
    this.steps = adam?.step ?? 0;
    this.providers = checkExecutionProviders(options.executionProviders ?? ['cpu']);
    this.threads = options.session?.intraOpNumThreads ?? onnxRuntime().defaultThreads();
    this.session = { graphOptimizationLevel: 'all', ...options.session, intraOpNumThreads: this.threads, executionProviders: this.providers };
  }

  get description(): string {
    return `traced onnx (${this.providers.join(',')}, ${this.threads} thread${this.threads === 1 ? '' : 's'})`;
  }

  get step(): number {
    return this.steps;
  }

  /**
   * The current parameters in the graph's layout, as the steps left them (undefined before the
   * first step): the store a {@link TracedScorer} built with `{ params: step }` reads, so scoring
   * between steps never copies the weights back to the model's backend and out again.
   */
  graphParams(): readonly Float32Array[] | undefined {
    return this.params;
  }

  /** Why the step graph is per batch shape rather than batch-generic, if it is. */
  get staticReason(): string | undefined {
    return this.program?.stats.staticReason;
  }

  async run(source: FeatureSource, indices: readonly number[], lr: number): Promise<StepResult> {
    let t = performance.now();
    const params = (this.params ??= await this.readModel());
    const features = await Promise.all(source.shapes.map(async (shape, l) => ({ data: await source.read(l, indices), shape: [indices.length, ...shape] })));
    this.timings.features += (performance.now() - t) / 1000;
    const { stepSize, bc2Sqrt } = adamScalars(lr, this.steps + 1, this.model.config.train.betas);
    const scalar = (x: number): OnnxArray => ({ data: Float32Array.of(x), shape: [] });
    const arrays = (xs: Float32Array[]) => xs.map((data, i) => ({ data, shape: this.layouts[i].graphShape }));
    const inputs = [...features, ...arrays(params), ...arrays(this.m), ...arrays(this.v), scalar(stepSize), scalar(bc2Sqrt)];
    t = performance.now();
    const program = this.compiled(source.shapes);
    const models = program.stats.models;
    this.lastShapes = inputs.map((a) => a.shape);
    await program.program(this.lastShapes);
    if (program.stats.models > models) this.timings.compile += (performance.now() - t) / 1000;
    t = performance.now();
    const out = await program.run(inputs);
    this.timings.run += (performance.now() - t) / 1000;
    const n = params.length;
    const result = checkFinite(this.steps + 1, { loss: out[0].data[0], gradNorm: out[1].data[0] });
    this.params = out.slice(2, 2 + n).map((o) => o.data);
    this.m = out.slice(2 + n, 2 + 2 * n).map((o) => o.data);
    this.v = out.slice(2 + 2 * n, 2 + 3 * n).map((o) => o.data);
    this.steps++;
    this.timings.steps++;
    this.dirty = true;
    return result;
  }

  /**
   * The ONNX model the steps run (the batch-generic one, or the last batch shape's), available
   * after the first step: the same graph runs on any onnxruntime (onnxruntime-web's wasm or
   * WebGPU, CUDA). Inputs `y1..`, `param*`, `adam_m*`, `adam_v*`, `step_size`, `bc2_sqrt`.
   *
   * @example
   * ```ts
   * await step.run(source, [0, 1], 1e-4);
   * writeFileSync('train_step.onnx', (await step.onnxModel())!.bytes);
   * ```
   */
  async onnxModel(): Promise<BuiltModel | undefined> {
    return this.program && this.lastShapes ? (await this.program.program(this.lastShapes)).model : undefined;
  }

  async syncModel(): Promise<void> {
    if (!this.dirty || !this.params) return;
    const params = this.params;
    this.model.setParams(params.map((a, i) => tensor(toCoreLayout(a, this.shapes[i]), this.shapes[i])));
    this.dirty = false;
  }

  async optimizerState(): Promise<AdamState> {
    const core = (xs: Float32Array[]) => xs.map((a, i) => toCoreLayout(a, this.shapes[i]));
    return { step: this.steps, m: core(this.m), v: core(this.v) };
  }

  async dispose(): Promise<void> {
    await this.program?.dispose();
  }

  private async readModel(): Promise<Float32Array[]> {
    const arrays = await this.model.paramArrays();
    return this.model.specs.map((s) => Float32Array.from(toGraphLayout(arrays.get(s.name)!.data, s.shape)));
  }

  private inputSpecs(featureShapes: FeatureSource['shapes']): InputSpec[] {
    const named = (prefix: string) => this.layouts.map((l, i) => ({ name: `${prefix}${i}`, shape: l.graphShape }));
    return [
      ...featureShapes.map((shape, l) => ({ name: FEATURE(l), shape: [-1, ...shape] })),
      ...named('param'),
      ...named('adam_m'),
      ...named('adam_v'),
      { name: 'step_size', shape: [] },
      { name: 'bc2_sqrt', shape: [] },
    ];
  }

  /** The compiled step for features of these per-scale shapes (built on first use). */
  private compiled(featureShapes: FeatureSource['shapes']): CompiledOnnxFunction {
    const key = JSON.stringify(featureShapes);
    if (this.program && this.programKey !== key) {
      throw new Error(`traced train step: features changed from ${this.programKey} to ${key}; use one stepper per feature size`);
    }
    this.programKey = key;
    return (this.program ??= new CompiledOnnxFunction(this.stepFunction(), {
      inputs: this.inputSpecs(featureShapes),
      backend: this.options.backend,
      session: this.session,
      graphName: 'msflow_train_step',
    }));
  }

  private stepFunction(): (...xs: Tensor[]) => Record<string, Tensor> {
    const model = this.model;
    const L = model.config.channels.length;
    const n = this.shapes.length;
    const toCore = (ts: Tensor[]) => ts.map((t, i) => (this.layouts[i].toCore ? transpose(t, this.layouts[i].toCore!) : t));
    const toGraph = (ts: Tensor[]) => ts.map((t, i) => (this.layouts[i].toGraph ? transpose(t, this.layouts[i].toGraph!) : t));
    return (...xs) => {
      const state = (k: number) => toCore(xs.slice(L + k * n, L + (k + 1) * n));
      const r = trainStepProgram(model, xs.slice(0, L), state(0), state(1), state(2), { stepSize: xs[L + 3 * n], bc2Sqrt: xs[L + 3 * n + 1] });
      const out: Record<string, Tensor> = { loss: r.loss, grad_norm: r.gradNorm };
      toGraph(r.params).forEach((t, i) => (out[`new_param${i}`] = t));
      toGraph(r.m).forEach((t, i) => (out[`new_adam_m${i}`] = t));
      toGraph(r.v).forEach((t, i) => (out[`new_adam_v${i}`] = t));
      return out;
    };
  }
}

/**
 * A {@link TrainStepperFactory} for `new Trainer(model, resume, { stepper })` and
 * `restoreTrainer(model, content, { stepper })`: every step runs as one traced ONNX graph.
 *
 * @example
 * ```ts
 * const trainer = restoreTrainer(model, content, { stepper: tracedTrainStepper() });
 * ```
 */
export function tracedTrainStepper(options: TracedTrainStepOptions = {}): TrainStepperFactory {
  return (model, adam) => new TracedTrainStep(model, adam, options);
}
