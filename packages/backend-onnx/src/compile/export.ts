import { writeFile } from 'node:fs/promises';
import type { OnnxBackend } from '../backend.js';
import { buildDynamicModel, buildStaticModel, type BuildOptions, type BuiltModel } from './build.js';
import { defaultOnnxBackend } from './compiled.js';
import { checkSpecs, hasBatch, inputNames, shapesAt, type InputSpec } from './specs.js';
import type { TraceableFunction } from '../trace/trace.js';

/** Options of {@link exportOnnx}. */
export interface ExportOptions extends BuildOptions {
  /** Named inputs; -1 marks the batch dimension (symbolic `N` in the file). */
  readonly inputs: readonly InputSpec[];
  /** The onnx backend the function's parameters live on (default as in `compileOnnx`). */
  readonly backend?: OnnxBackend;
  /** Write the model here too. */
  readonly path?: string;
  /** Batch size baked in when the graph cannot be made batch-generic (default 1). */
  readonly fallbackBatch?: number;
}

/** An exported model. */
export interface ExportedModel extends BuiltModel {
  /** Why the batch size is fixed, when it is although the specs asked for a dynamic one. */
  readonly staticReason?: string;
}

/**
 * Traces a function of core tensors into a standalone ONNX model (opset 18, weights as
 * initializers) with named inputs and outputs, loadable by any onnxruntime (Python, C++, web).
 * With a -1 in an input shape the batch dimension is symbolic, unless the graph depends on the
 * batch size, in which case `fallbackBatch` is baked in and `staticReason` says why.
 *
 * @example
 * ```ts
 * const model = await exportOnnx((x) => ({ features: backbone.extract(transpose(x, [0, 2, 3, 1]))[0] }), {
 *   inputs: [{ name: 'image', shape: [-1, 3, 256, 256] }],
 *   path: 'features.onnx',
 * });
 * ```
 */
export async function exportOnnx(fn: TraceableFunction, options: ExportOptions): Promise<ExportedModel> {
  checkSpecs(options.inputs);
  const backend = options.backend ?? defaultOnnxBackend();
  let model: ExportedModel | undefined;
  let staticReason: string | undefined;
  if (hasBatch(options.inputs)) {
    const built = await buildDynamicModel(backend, fn, options.inputs, options);
    if ('reason' in built) staticReason = built.reason;
    else model = built;
  }
  if (!model) {
    const shapes = shapesAt(options.inputs, options.fallbackBatch ?? 1);
    model = { ...(await buildStaticModel(backend, fn, inputNames(options.inputs), shapes, options)), staticReason };
  }
  if (options.path) await writeFile(options.path, model.bytes);
  return model;
}
