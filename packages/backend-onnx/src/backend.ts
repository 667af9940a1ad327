import {
  KERNEL_NAMES,
  KernelBackend,
  kernelFamily,
  type BackendInfo,
  type BackendKernel,
  type DataId,
  type FloatArray,
  type KernelArgs,
  type KernelName,
} from '@msflow/core';
import type { TraceRecorder } from './trace/recorder.js';
import type { OnnxSessionOptions } from './runtime/session.js';
import { onnxRuntimeName } from './runtime/ort.js';
import { ConcreteData, SymbolicValue } from './runtime/data.js';
import { EagerRunner } from './runtime/eager.js';

/** Options of {@link createOnnxEagerBackend}. */
export interface OnnxBackendOptions {
  /** Registered name reported by `info()` (default `onnx`). */
  name?: string;
  /** Session options of the one-kernel sessions (default: 1 intra-op thread, `basic` optimisation). */
  session?: OnnxSessionOptions;
  /** One-kernel sessions kept (default 512). */
  maxSessions?: number;
}

/**
 * The onnx backend. Outside a trace every kernel runs eagerly as a one-node ONNX graph on
 * onnxruntime (onnxruntime-node, or onnxruntime-web through the `/browser` entry; slow, but it checks the lowerings kernel by kernel); inside a trace (see
 * {@link traceGraph} and {@link compileOnnx}) kernels only record ONNX nodes and tensors are
 * symbolic. Reads are asynchronous: use `await tensor.data()`.
 *
 * @example
 * ```ts
 * const onnx = new OnnxBackend({ session: { intraOpNumThreads: 2 } });
 * setBackend(onnx);
 * const y = exp(tensor([0, 1], [2]));
 * console.log(await y.data(), onnx.sessionsCreated); // [1, 2.718...], 1
 * ```
 */
export class OnnxBackend extends KernelBackend<ConcreteData> {
  private readonly runner: EagerRunner;
  private recorder: TraceRecorder | null = null;

  constructor(options: OnnxBackendOptions = {}) {
    const runner = new EagerRunner({ intraOpNumThreads: 1, graphOptimizationLevel: 'basic', ...options.session }, options.maxSessions);
    super(options.name ?? 'onnx', kernelFamily(KERNEL_NAMES, (k): BackendKernel<KernelName, ConcreteData> => (call) => runner.run(k, call)));
    this.runner = runner;
  }

  /** Inside a trace a kernel call only records nodes: its output is symbolic and not tracked. */
  protected override runKernel<K extends KernelName>(name: K, kernel: BackendKernel<K, ConcreteData>, args: KernelArgs<K>): DataId {
    return this.recorder ? this.recorder.record(name, args) : super.runKernel(name, kernel, args);
  }

  protected override value(dataId: DataId): ConcreteData {
    if (dataId instanceof SymbolicValue) throw new Error('onnx backend: a traced (symbolic) tensor has no value outside its trace; run the compiled function instead');
    return super.value(dataId);
  }

  /** Whether kernels are being recorded into a trace right now. */
  get tracing(): boolean {
    return this.recorder !== null;
  }

  /** Starts recording kernels into `recorder` (used by {@link traceGraph}). */
  beginTrace(recorder: TraceRecorder): void {
    if (this.recorder) throw new Error('onnx backend: traces cannot nest');
    this.recorder = recorder;
  }

  /** Stops recording. */
  endTrace(): void {
    this.recorder = null;
  }

  protected upload(values: FloatArray, shape: readonly number[]): ConcreteData {
    return new ConcreteData([...shape], Float32Array.from(values));
  }

  protected async download(d: ConcreteData): Promise<FloatArray> {
    return Float32Array.from(await d.get());
  }

  /** Values are garbage-collected; a pending kernel finishes on its own. */
  protected free(): void {}

  protected shapeOf(d: ConcreteData): readonly number[] {
    return d.shape;
  }

  info(): BackendInfo {
    return {
      name: this.name,
      detail: `${onnxRuntimeName()} (CPU), eager: one cached session per kernel call (${this.runner.size} sessions)`,
      precision: 'float32',
      concrete: true,
    };
  }

  /** Number of one-kernel sessions created so far (eager cache misses). */
  get sessionsCreated(): number {
    return this.runner.sessionsCreated;
  }

  override dispose(): void {
    super.dispose();
    void this.runner.dispose();
  }
}

/**
 * Creates the onnx backend in eager mode: every kernel call builds (once per kernel, shapes and
 * attributes) and runs a one-node ONNX graph, so `await tensor.data()` returns values. It is
 * the backend the conformance suite checks the ONNX lowerings with; for speed, trace whole
 * functions with {@link compileOnnx}.
 *
 * @example
 * ```ts
 * import { setBackend, tensor, relu } from '@msflow/core';
 * const onnx = createOnnxEagerBackend();
 * setBackend(onnx);
 * console.log(await relu(tensor([-1, 2], [2])).data()); // Float32Array [0, 2]
 * ```
 */
export function createOnnxEagerBackend(options: OnnxBackendOptions = {}): OnnxBackend {
  return new OnnxBackend(options);
}
