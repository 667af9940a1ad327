import type { OnnxBackend } from '../backend.js';
import type { OnnxArray, OnnxSessionOptions } from '../runtime/session.js';
import type { TraceableFunction } from '../trace/trace.js';
import { CompiledOnnxFunction, defaultOnnxBackend } from './compiled.js';

/** Options of {@link runOnnx}. */
export interface RunOnnxOptions {
  /** Treat axis 0 of every input as the batch (default true): one model for all batch sizes. */
  readonly dynamicBatch?: boolean;
  readonly backend?: OnnxBackend;
  readonly session?: OnnxSessionOptions;
  readonly outputNames?: readonly string[];
}

const cache = new WeakMap<TraceableFunction, Map<string, CompiledOnnxFunction>>();
const backendIds = new WeakMap<OnnxBackend, number>();
let nextBackendId = 0;

/**
 * Runs a function of core tensors through onnxruntime on plain float32 arrays, compiling it on
 * first use for these input shapes (batch axis 0 dynamic by default) and reusing the compiled
 * program afterwards. Meant for code whose tensors live on another backend: hand the arrays
 * over, get arrays back. The function's parameters must be onnx tensors (created while an onnx
 * backend is active, or inside the function).
 *
 * @example
 * ```ts
 * const [features] = await runOnnx((x) => backbone.extract(x)[0], [{ data: pixels, shape: [4, 256, 256, 3] }]);
 * ```
 */
export async function runOnnx(fn: TraceableFunction, inputs: readonly OnnxArray[], options: RunOnnxOptions = {}): Promise<OnnxArray[]> {
  const backend = options.backend ?? defaultOnnxBackend();
  if (!backendIds.has(backend)) backendIds.set(backend, nextBackendId++);
  const dynamic = options.dynamicBatch ?? true;
  const specs = inputs.map((a) => ({ shape: a.shape.map((d, k) => (dynamic && k === 0 ? -1 : d)) }));
  const key = JSON.stringify([specs, options.session ?? {}, options.outputNames ?? null, backendIds.get(backend)]);
  let byKey = cache.get(fn);
  if (!byKey) cache.set(fn, (byKey = new Map()));
  let compiled = byKey.get(key);
  if (!compiled) {
    compiled = new CompiledOnnxFunction(fn, { inputs: specs, backend, session: options.session, outputNames: options.outputNames });
    byKey.set(key, compiled);
  }
  return compiled.run(inputs);
}
