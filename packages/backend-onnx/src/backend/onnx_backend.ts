import {
  KERNEL_NAMES,
  type Backend,
  type BackendInfo,
  type DataId,
  type FloatArray,
  type KernelArgs,
  type KernelName,
  type KernelTable,
} from '@msflow/core';
import type { TraceRecorder } from '../trace/recorder.js';
import type { OnnxSessionOptions } from '../runtime/session.js';
import { onnxRuntimeName } from '../runtime/ort.js';
import { ConcreteData, SymbolicValue } from './data.js';
import { EagerRunner } from './eager.js';

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
export class OnnxBackend implements Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  private readonly runner: EagerRunner;
  private readonly live = new Set<ConcreteData>();
  private recorder: TraceRecorder | null = null;

  constructor(options: OnnxBackendOptions = {}) {
    this.name = options.name ?? 'onnx';
    this.runner = new EagerRunner({ intraOpNumThreads: 1, graphOptimizationLevel: 'basic', ...options.session }, options.maxSessions);
    this.kernels = Object.fromEntries(KERNEL_NAMES.map((k) => [k, (args: KernelArgs<KernelName>) => this.dispatch(k, args)])) as KernelTable;
  }

  private dispatch<K extends KernelName>(kernel: K, args: KernelArgs<K>): DataId {
    if (this.recorder) return this.recorder.record(kernel, args);
    const inputs = args.inputs.map((t) => {
      if (t.dataId instanceof ConcreteData) return t.dataId;
      throw new Error(`${kernel}: a traced (symbolic) tensor was used outside its trace`);
    });
    return this.track(this.runner.run(kernel, inputs, args));
  }

  private track(d: ConcreteData): ConcreteData {
    this.live.add(d);
    return d;
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

  write(values: FloatArray, shape: readonly number[]): DataId {
    return this.track(new ConcreteData([...shape], Float32Array.from(values)));
  }

  async read(dataId: DataId): Promise<FloatArray> {
    if (dataId instanceof SymbolicValue) throw new Error('onnx backend: a traced tensor has no value; run the compiled function instead');
    if (!(dataId instanceof ConcreteData)) throw new Error('onnx backend: unknown tensor storage');
    return Float32Array.from(await dataId.get());
  }

  disposeData(dataId: DataId): void {
    if (dataId instanceof ConcreteData) this.live.delete(dataId);
  }

  info(): BackendInfo {
    return {
      name: this.name,
      detail: `${onnxRuntimeName()} (CPU), eager: one cached session per kernel call (${this.runner.size} sessions)`,
      precision: 'float32',
      concrete: true,
    };
  }

  memory(): { bytes: number; buffers: number } {
    let bytes = 0;
    for (const d of this.live) bytes += 4 * d.shape.reduce((p, q) => p * q, 1);
    return { bytes, buffers: this.live.size };
  }

  /** Number of one-kernel sessions created so far (eager cache misses). */
  get sessionsCreated(): number {
    return this.runner.sessionsCreated;
  }

  dispose(): void {
    this.live.clear();
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
