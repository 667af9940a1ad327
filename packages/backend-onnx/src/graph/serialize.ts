import { ATTR_TYPE, DTYPE, modelProtoType } from '../onnx/proto.js';
import type { AttrValue, Dim, GraphSpec, Initializer } from './types.js';

/** The ONNX opset the lowerings target (ReduceMean/ReduceMax axes as inputs: 18; LayerNormalization: 17). */
export const OPSET = 18;
/** IR version matching opset 18 (ONNX 1.13). */
export const IR_VERSION = 8;

/** Options of {@link serializeModel}. */
export interface SerializeOptions {
  /** Free text stored in the model (`doc_string`). */
  docString?: string;
  /** Extra key/value metadata (`metadata_props`). */
  metadata?: Readonly<Record<string, string>>;
}

const bytesOf = (v: ArrayBufferView): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

function attribute(name: string, v: AttrValue): object {
  if (typeof v === 'number') return { name, type: ATTR_TYPE.INT, i: v };
  if (typeof v === 'string') return { name, type: ATTR_TYPE.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: ATTR_TYPE.INTS, ints: v };
  if ('float' in (v as object)) return { name, type: ATTR_TYPE.FLOAT, f: (v as { float: number }).float };
  return { name, type: ATTR_TYPE.FLOATS, floats: (v as { floats: readonly number[] }).floats };
}

function tensorProto(name: string, init: Initializer): object {
  if (!init.values) throw new Error(`initializer ${name} has no value yet (await resolveInitializers first)`);
  // ONNX raw_data is little-endian; so is every platform onnxruntime-node ships for.
  return { name, dims: init.dims, dataType: init.dtype === 'float32' ? DTYPE.FLOAT : DTYPE.INT64, rawData: bytesOf(init.values) };
}

function valueInfo(name: string, dims: readonly Dim[]): object {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: DTYPE.FLOAT, shape: { dim } } } };
}

/**
 * Serialises a graph whose initializers all hold values into ONNX `ModelProto` bytes.
 *
 * @example
 * ```ts
 * await resolveInitializers(graph);
 * const bytes = serializeModel(graph, { docString: 'traced by msflow' });
 * ```
 */
export function serializeModel(graph: GraphSpec, options: SerializeOptions = {}): Uint8Array {
  const type = modelProtoType();
  const model = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: '@msflow/backend-onnx',
    producerVersion: '0.1.0',
    docString: options.docString ?? '',
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: graph.name,
      node: graph.nodes.map((n, i) => ({
        name: `n${i}_${n.opType}`,
        opType: n.opType,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs).map(([k, v]) => attribute(k, v)),
      })),
      initializer: [...graph.initializers].map(([name, init]) => tensorProto(name, init)),
      input: graph.inputs.map((v) => valueInfo(v.name, v.dims)),
      output: graph.outputs.map((v) => valueInfo(v.name, v.dims)),
    },
  };
  // Plain objects encode directly (no fromObject copy of large raw_data buffers).
  return type.encode(model).finish();
}

/**
 * Waits for the initializers that reference tensors still being computed (eager results used
 * as constants of a trace), and stores their values.
 *
 * @example
 * ```ts
 * await resolveInitializers(trace.graph);
 * const bytes = serializeModel(trace.graph);
 * ```
 */
export async function resolveInitializers(graph: GraphSpec): Promise<void> {
  await Promise.all(
    [...graph.initializers.values()].map(async (init) => {
      if (!init.values && init.pending) init.values = await init.pending();
      delete init.pending;
    }),
  );
}
