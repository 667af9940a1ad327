import type { OnnxBackend } from '../backend.js';
import { foldConstantTransposes } from '../graph/fold_constants.js';
import { foldTransposes, removeDeadNodes } from '../graph/optimize.js';
import { resolveInitializers, serializeModel, type SerializeOptions } from '../graph/serialize.js';
import type { Dim, GraphSpec } from '../graph/types.js';
import { generalizeBatch } from '../trace/batch.js';
import { traceGraph, type TraceableFunction } from '../trace/trace.js';
import { inputNames, shapesAt, type InputSpec } from './specs.js';

/** Batch sizes of the two traces compared to find batch-dependent sizes. */
export const PROBE_BATCHES = [2, 3] as const;

/** A finished, serialised graph. */
export interface BuiltModel {
  readonly graph: GraphSpec;
  readonly bytes: Uint8Array;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Output dimensions; batch-scaled ones symbolic (`N`, `N*64`) in a batch-generic model. */
  readonly outputDims: readonly (readonly Dim[])[];
  /** Whether one model serves every batch size. */
  readonly dynamicBatch: boolean;
  /** Transpose nodes removed by folding. */
  readonly transposesFolded: number;
}

/** Options shared by compiled functions and export. */
export interface BuildOptions {
  readonly outputNames?: readonly string[];
  readonly graphName?: string;
  /** Fold layout transposes (default true; turn off to inspect the raw trace). */
  readonly foldTransposes?: boolean;
  readonly serialize?: SerializeOptions;
}

/** Optimises, resolves and serialises a traced graph. */
async function finish(graph: GraphSpec, options: BuildOptions): Promise<{ bytes: Uint8Array; folded: number }> {
  const folded = options.foldTransposes === false ? 0 : foldTransposes(graph);
  removeDeadNodes(graph);
  await resolveInitializers(graph);
  foldConstantTransposes(graph);
  return { bytes: serializeModel(graph, options.serialize), folded };
}

/**
 * Traces `fn` at two batch sizes and merges the traces into one batch-generic model; returns
 * the reason instead when the function's graph depends on the batch size in another way.
 *
 * @example
 * ```ts
 * const built = await buildDynamicModel(onnx, (x) => relu(x), [{ name: 'x', shape: [-1, 8] }]);
 * if (!('reason' in built)) await writeFile('relu.onnx', built.bytes);
 * ```
 */
export async function buildDynamicModel(
  backend: OnnxBackend,
  fn: TraceableFunction,
  specs: readonly InputSpec[],
  options: BuildOptions = {},
): Promise<BuiltModel | { reason: string }> {
  const names = inputNames(specs);
  const [b1, b2] = PROBE_BATCHES;
  let traces;
  try {
    traces = PROBE_BATCHES.map((b) => traceGraph(backend, fn, shapesAt(specs, b).map((shape, i) => ({ name: names[i], shape })), options));
  } catch (err) {
    return { reason: `tracing at batch ${b1} and ${b2} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  await Promise.all(traces.map((t) => resolveInitializers(t.graph)));
  const k = specs.findIndex((s) => s.shape.includes(-1));
  const merged = generalizeBatch(traces[0], traces[1], b1, b2, { name: names[k], axis: specs[k].shape.indexOf(-1) });
  if ('reason' in merged) return merged;
  const { bytes, folded } = await finish(merged.graph, options);
  return { graph: merged.graph, bytes, inputNames: names, outputNames: traces[0].outputNames, outputDims: merged.outputDims, dynamicBatch: true, transposesFolded: folded };
}

/**
 * Traces `fn` at fixed input shapes into a model for exactly those shapes.
 *
 * @example
 * ```ts
 * const built = await buildStaticModel(onnx, (x) => relu(x), ['x'], [[2, 8]]);
 * ```
 */
export async function buildStaticModel(
  backend: OnnxBackend,
  fn: TraceableFunction,
  names: readonly string[],
  shapes: readonly (readonly number[])[],
  options: BuildOptions = {},
): Promise<BuiltModel> {
  const t = traceGraph(backend, fn, shapes.map((shape, i) => ({ name: names[i], shape })), options);
  const { bytes, folded } = await finish(t.graph, options);
  return { graph: t.graph, bytes, inputNames: names, outputNames: t.outputNames, outputDims: t.outputShapes, dynamicBatch: false, transposesFolded: folded };
}
