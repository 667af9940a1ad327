import type ort from 'onnxruntime-node';
import { onnxRuntime } from './ort.js';
import { checkExecutionProviders } from './providers.js';

/** onnxruntime session settings this package exposes. */
export interface OnnxSessionOptions {
  /** Threads inside one operator (onnxruntime's default: one per physical core). */
  intraOpNumThreads?: number;
  /** Threads across independent operators (used with `executionMode: 'parallel'`). */
  interOpNumThreads?: number;
  /** Graph rewriting onnxruntime applies at load (default `all`). */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  executionMode?: 'sequential' | 'parallel';
  /** 0 verbose ... 4 fatal (default 3: errors only). */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /**
   * onnxruntime execution providers in preference order (default `['cpu']`); names are checked
   * against the build's list (see `checkExecutionProviders`).
   */
  executionProviders?: readonly string[];
}

/** A float32 array with its shape: what compiled programs take and return. */
export interface OnnxArray {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** The onnxruntime session type. */
export type OnnxSession = ort.InferenceSession;

/**
 * Creates a session from ONNX model bytes on the package's onnxruntime (onnxruntime-node, or
 * what `useOnnxRuntime` set), on the CPU execution provider unless `options.executionProviders`
 * says otherwise.
 *
 * @example
 * ```ts
 * const session = await createSession(bytes, { intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
 * ```
 */
export async function createSession(model: Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
  return onnxRuntime().ort.InferenceSession.create(model, {
    executionProviders: options.executionProviders ? checkExecutionProviders(options.executionProviders) : ['cpu'],
    logSeverityLevel: options.logSeverityLevel ?? 3,
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    ...(options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    ...(options.interOpNumThreads !== undefined ? { interOpNumThreads: options.interOpNumThreads } : {}),
    ...(options.executionMode !== undefined ? { executionMode: options.executionMode } : {}),
  });
}

/**
 * Runs a session on float32 inputs given in the order of `session.inputNames`; returns its
 * outputs in the order of `session.outputNames`.
 *
 * @example
 * ```ts
 * const [y] = await runSession(session, [{ data: x, shape: [1, 8, 8, 3] }]);
 * ```
 */
export async function runSession(session: OnnxSession, inputs: readonly OnnxArray[]): Promise<OnnxArray[]> {
  if (inputs.length !== session.inputNames.length) {
    throw new Error(`onnx session expects ${session.inputNames.length} inputs (${session.inputNames.join(', ')}), got ${inputs.length}`);
  }
  const { Tensor } = onnxRuntime().ort;
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => (feeds[name] = new Tensor('float32', inputs[i].data, inputs[i].shape)));
  const results = await session.run(feeds);
  return session.outputNames.map((name) => {
    const t = results[name];
    if (t.type !== 'float32') throw new Error(`onnx output ${name} has type ${t.type}, expected float32`);
    return { data: t.data as Float32Array, shape: [...t.dims] };
  });
}
