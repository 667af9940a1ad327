import { Tensor, engine, getBackend, setBackend, tidy, type Backend } from '@msflow/core';
import type { OnnxBackend } from '../backend.js';
import type { GraphSpec } from '../graph/types.js';
import { TraceRecorder, type KernelObserver } from './recorder.js';

/** What a traced function may return: one tensor, a list, or named tensors. */
export type TraceOutputs = Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>;

/** A function of tensors that {@link traceGraph} can record. */
export type TraceableFunction = (...inputs: Tensor[]) => TraceOutputs;

/** A recorded graph and its interface. */
export interface TraceResult {
  readonly graph: GraphSpec;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly outputShapes: readonly (readonly number[])[];
}

/** Graph output names: the record's keys, `output` for one tensor, `output0..` for a list. */
function namedOutputs(result: TraceOutputs, names?: readonly string[]): [string, Tensor][] {
  let entries: [string, Tensor][];
  if (result instanceof Tensor) entries = [['output', result]];
  else if (Array.isArray(result)) entries = result.map((t, i) => [`output${i}`, t]);
  else entries = Object.entries(result as Record<string, Tensor>);
  if (entries.length === 0 || entries.some(([, t]) => !(t instanceof Tensor))) {
    throw new Error('onnx trace: the function must return a tensor, a non-empty list of tensors or a record of tensors');
  }
  if (names) {
    if (names.length !== entries.length) throw new Error(`onnx trace: ${names.length} output names for ${entries.length} outputs`);
    entries = entries.map(([, t], i) => [names[i], t]);
  }
  return entries;
}

/**
 * Runs `fn` once on symbolic inputs of the given shapes with `backend` recording, and returns
 * the ONNX graph it built. Tensors the function creates (parameters, constants) and concrete
 * tensors it closes over become initializers; every kernel call becomes ONNX nodes. The active
 * backend is restored afterwards.
 *
 * @example
 * ```ts
 * const { graph } = traceGraph(onnx, (x) => relu(conv2d(x, w)), [{ name: 'x', shape: [1, 32, 32, 3] }]);
 * ```
 */
export function traceGraph(
  backend: OnnxBackend,
  fn: TraceableFunction,
  inputs: readonly { readonly name: string; readonly shape: readonly number[] }[],
  options: { outputNames?: readonly string[]; graphName?: string; onKernel?: KernelObserver } = {},
): TraceResult {
  const recorder = new TraceRecorder(options.graphName, options.onKernel);
  const previous: Backend | undefined = engine.hasBackend() ? getBackend() : undefined;
  const xs = inputs.map((spec) => new Tensor([...spec.shape], recorder.input(spec.name, spec.shape), backend, () => undefined));
  setBackend(backend);
  backend.beginTrace(recorder);
  try {
    return tidy(() => {
      const entries = namedOutputs(fn(...xs), options.outputNames);
      for (const [name, t] of entries) {
        if (t.backend !== backend) throw new Error(`onnx trace: output ${name} lives on backend ${t.backend.name}`);
        recorder.builder.addOutput(recorder.nameOf(t.dataId), name, t.shape);
      }
      return {
        graph: recorder.builder.graph,
        inputNames: inputs.map((s) => s.name),
        outputNames: entries.map(([n]) => n),
        outputShapes: entries.map(([, t]) => [...t.shape]),
      };
    });
  } finally {
    backend.endTrace();
    if (previous) setBackend(previous);
  }
}
