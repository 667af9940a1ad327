import { engine, getBackend } from '@msflow/core';
import { OnnxBackend } from '../backend.js';
import { createSession, runSession, type OnnxArray, type OnnxSession, type OnnxSessionOptions } from '../runtime/session.js';
import type { TraceableFunction } from '../trace/trace.js';
import { buildDynamicModel, buildStaticModel, type BuildOptions, type BuiltModel } from './build.js';
import { checkSpecs, hasBatch, inputNames, resolveInputs, type InputSpec } from './specs.js';

/** Options of {@link compileOnnx}. */
export interface CompileOptions extends BuildOptions {
  /** The inputs; -1 marks the batch dimension (one model then serves every batch size). */
  readonly inputs: readonly InputSpec[];
  /**
   * The onnx backend the function's parameters live on (default: the active backend when it is
   * an onnx backend, else a shared one, so the function must create its own tensors).
   */
  readonly backend?: OnnxBackend;
  /** onnxruntime session settings (threads, graph optimisation level). */
  readonly session?: OnnxSessionOptions;
}

/** A traced, loaded program. */
export interface CompiledProgram {
  readonly model: BuiltModel;
  readonly session: OnnxSession;
}

/** Counters of a compiled function. */
export interface CompileStats {
  /** Models built (each one is one or two traces plus a session). */
  models: number;
  runs: number;
  /** Why the function runs with per-shape models instead of one batch-generic model. */
  staticReason?: string;
}

let shared: OnnxBackend | undefined;

/**
 * The onnx backend to trace on when none is given: the active one, else a shared instance.
 *
 * @example
 * ```ts
 * const onnx = defaultOnnxBackend(); // create parameters while it is active to use them in traces
 * ```
 */
export function defaultOnnxBackend(): OnnxBackend {
  if (engine.hasBackend()) {
    const active = getBackend();
    if (active instanceof OnnxBackend) return active;
  }
  shared ??= new OnnxBackend({ name: 'onnx-shared' });
  return shared;
}

/**
 * A function traced to ONNX and run by onnxruntime-node. The first `run` traces it and creates
 * the session; later runs only feed new data. With a batch dimension (-1) in the input specs
 * it is traced at two batch sizes and one batch-generic model serves them all; if the graph
 * depends on the batch size otherwise, each input shape gets its own model
 * (`stats.staticReason` says why).
 *
 * @example
 * ```ts
 * const f = new CompiledOnnxFunction((x) => relu(x), { inputs: [{ shape: [-1, 4] }] });
 * const [y] = await f.run([Float32Array.of(-1, 2, -3, 4)]); // y.shape [1, 4]
 * await f.dispose();
 * ```
 */
export class CompiledOnnxFunction {
  private readonly specs: readonly InputSpec[];
  private readonly names: readonly string[];
  private readonly backend: OnnxBackend;
  private dynamic: Promise<CompiledProgram | undefined> | undefined;
  private readonly statics = new Map<string, Promise<CompiledProgram>>();
  readonly stats: CompileStats = { models: 0, runs: 0 };

  constructor(
    private readonly fn: TraceableFunction,
    private readonly options: CompileOptions,
  ) {
    checkSpecs(options.inputs);
    this.specs = options.inputs;
    this.names = inputNames(options.inputs);
    this.backend = options.backend ?? defaultOnnxBackend();
  }

  /**
   * Runs the program on float32 inputs (a bare Float32Array takes its spec's shape, the batch
   * size inferred from its length); returns the outputs in order.
   */
  async run(inputs: readonly (OnnxArray | Float32Array)[]): Promise<OnnxArray[]> {
    return (await this.runWith(inputs)).outputs;
  }

  /** Like {@link run}, keyed by output name. */
  async runNamed(inputs: readonly (OnnxArray | Float32Array)[]): Promise<Record<string, OnnxArray>> {
    const { program, outputs } = await this.runWith(inputs);
    return Object.fromEntries(program.model.outputNames.map((n, i) => [n, outputs[i]]));
  }

  private async runWith(inputs: readonly (OnnxArray | Float32Array)[]): Promise<{ program: CompiledProgram; outputs: OnnxArray[] }> {
    const arrays = resolveInputs(this.specs, inputs);
    const program = await this.program(arrays.map((a) => a.shape));
    this.stats.runs++;
    return { program, outputs: await runSession(program.session, arrays) };
  }

  /** The program serving inputs of these shapes (traced and loaded on first use). */
  async program(shapes: readonly (readonly number[])[]): Promise<CompiledProgram> {
    if (hasBatch(this.specs)) {
      this.dynamic ??= this.buildDynamic();
      const p = await this.dynamic;
      if (p) return p;
    }
    const key = shapes.map((s) => s.join('x')).join(';');
    let p = this.statics.get(key);
    if (!p) {
      p = this.load(buildStaticModel(this.backend, this.fn, this.names, shapes, this.options));
      this.statics.set(key, p);
      p.catch(() => this.statics.delete(key));
    }
    return p;
  }

  private async buildDynamic(): Promise<CompiledProgram | undefined> {
    const built = await buildDynamicModel(this.backend, this.fn, this.specs, this.options);
    if ('reason' in built) {
      this.stats.staticReason = built.reason;
      return undefined;
    }
    return this.load(Promise.resolve(built));
  }

  private async load(model: Promise<BuiltModel>): Promise<CompiledProgram> {
    const m = await model;
    const session = await createSession(m.bytes, this.options.session);
    this.stats.models++;
    return { model: m, session };
  }

  /** Releases every session. */
  async dispose(): Promise<void> {
    const all = [this.dynamic, ...this.statics.values()];
    this.dynamic = undefined;
    this.statics.clear();
    await Promise.all(all.map(async (p) => (await p?.catch(() => undefined))?.session.release()));
  }
}

/**
 * Compiles a function of core tensors to ONNX; nothing is traced until the first run.
 *
 * @example
 * ```ts
 * setBackend(createOnnxEagerBackend());
 * const w = tensor(weights, [3, 3, 64, 128]); // parameters: written while the onnx backend is active
 * const f = compileOnnx((x) => relu(conv2d(x, w, { padding: 1 })), { inputs: [{ shape: [-1, 64, 64, 64] }] });
 * const [y] = await f.run([{ data: images, shape: [8, 64, 64, 64] }]); // y.shape = [8, 64, 64, 128]
 * ```
 */
export function compileOnnx(fn: TraceableFunction, options: CompileOptions): CompiledOnnxFunction {
  return new CompiledOnnxFunction(fn, options);
}
