import { halfToFloat } from '../../io/half.js';
import type { StoredTensor, TensorStore } from '../weights.js';
import { int64, onnxRoot, ONNX_DTYPE } from './proto.js';

/** Fetches the bytes of an external-data file named by a tensor's `location` (relative to the model). */
export type ExternalDataReader = (location: string) => Uint8Array;

/** Options of {@link readOnnxModel}. */
export interface ReadOnnxOptions {
  /** Names the file in error messages. */
  source?: string;
  /** Needed when initializers live in external data files (models over 2 GB, or saved that way). */
  externalData?: ExternalDataReader;
}

/** A BatchNormalization node that directly follows a Conv. */
export interface OnnxBatchNorm {
  node: string;
  scale: string;
  bias: string;
  mean: string;
  variance: string;
  epsilon: number;
}

/** One Conv node, in graph order, with its initializer names. */
export interface OnnxConv {
  node: string;
  weight: string;
  bias?: string;
  group: number;
  strides: number[];
  pads: number[];
  bn?: OnnxBatchNorm;
}

/** What {@link readOnnxModel} found. */
export interface OnnxModel {
  source: string;
  producer: string;
  irVersion: number;
  opset: number;
  /** Float-convertible initializers (decoded on first access). */
  store: TensorStore;
  /** Initializer names and shapes, in file order. */
  initializers: { name: string; shape: number[]; dataType: number; external: boolean }[];
  convs: OnnxConv[];
  /** Node count per op type. */
  ops: Record<string, number>;
  externalFiles: string[];
}

/** Thrown for unreadable ONNX content; names the file and the tensor. */
export class OnnxReadError extends Error {
  override name = 'OnnxReadError';
}

interface TensorMsg {
  name: string;
  dims: unknown[];
  dataType: number;
  rawData?: Uint8Array;
  floatData: number[];
  int32Data: number[];
  int64Data: unknown[];
  doubleData: number[];
  externalData: { key: string; value: string }[];
  dataLocation: number;
}

interface AttrMsg {
  name: string;
  f?: number;
  i?: unknown;
  ints: unknown[];
}

interface NodeMsg {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: AttrMsg[];
}

function decodeValues(t: TensorMsg, bytes: Uint8Array | undefined, source: string): Float32Array {
  const n = t.dims.reduce<number>((p, d) => p * int64(d), 1);
  const out = new Float32Array(n);
  const fail = (why: string) => new OnnxReadError(`${source}: initializer '${t.name}' ${why}`);
  if (bytes && bytes.length > 0) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const width: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 10: 2, 11: 8, 16: 2 };
    const w = width[t.dataType];
    if (!w) throw fail(`has unsupported data type ${t.dataType}`);
    if (bytes.length !== n * w) throw fail(`holds ${bytes.length} bytes, shape needs ${n * w}`);
    for (let i = 0; i < n; i++) {
      switch (t.dataType) {
        case ONNX_DTYPE.FLOAT: out[i] = dv.getFloat32(i * 4, true); break;
        case ONNX_DTYPE.DOUBLE: out[i] = dv.getFloat64(i * 8, true); break;
        case ONNX_DTYPE.FLOAT16: out[i] = halfToFloat(dv.getUint16(i * 2, true)); break;
        case ONNX_DTYPE.BFLOAT16: out[i] = new Float32Array(new Uint32Array([dv.getUint16(i * 2, true) << 16]).buffer)[0]; break;
        case ONNX_DTYPE.INT64: out[i] = Number(dv.getBigInt64(i * 8, true)); break;
        case ONNX_DTYPE.INT32: out[i] = dv.getInt32(i * 4, true); break;
        case ONNX_DTYPE.INT16: out[i] = dv.getInt16(i * 2, true); break;
        case ONNX_DTYPE.UINT16: out[i] = dv.getUint16(i * 2, true); break;
        case ONNX_DTYPE.INT8: out[i] = dv.getInt8(i); break;
        default: out[i] = dv.getUint8(i);
      }
    }
    return out;
  }
  const typed: number[] | unknown[] =
    t.dataType === ONNX_DTYPE.FLOAT ? t.floatData
    : t.dataType === ONNX_DTYPE.DOUBLE ? t.doubleData
    : t.dataType === ONNX_DTYPE.INT64 ? t.int64Data
    : t.int32Data;
  if (typed.length !== n) throw fail(`holds ${typed.length} values, shape needs ${n}`);
  for (let i = 0; i < n; i++) {
    const v = int64(typed[i]);
    out[i] = t.dataType === ONNX_DTYPE.FLOAT16 ? halfToFloat(v) : v;
  }
  return out;
}

const attrs = (node: NodeMsg) => new Map(node.attribute.map((a) => [a.name, a]));

/**
 * Parses an ONNX ModelProto: initializers (raw_data, float_data, external data) and the Conv
 * (+ BatchNormalization) nodes in graph order. No file system: external bytes come from a callback.
 *
 * @example
 * ```ts
 * const model = readOnnxModel(bytes, { source: 'wrn.onnx', externalData: (loc) => readFileSync(join(dir, loc)) });
 * const weights = onnxBackboneWeights(architecture('wide_resnet50_2'), model);
 * ```
 */
export function readOnnxModel(bytes: Uint8Array, options: ReadOnnxOptions = {}): OnnxModel {
  const source = options.source ?? 'ONNX model';
  const ModelProto = onnxRoot().lookupType('onnx.ModelProto');
  let msg: { irVersion: unknown; producerName: string; producerVersion: string; opsetImport: { domain: string; version: unknown }[]; graph?: { node: NodeMsg[]; initializer: TensorMsg[] } };
  try {
    msg = ModelProto.decode(bytes) as unknown as typeof msg;
  } catch (err) {
    throw new OnnxReadError(`${source}: not an ONNX model (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!msg.graph) throw new OnnxReadError(`${source}: not an ONNX model (no graph)`);
  const graph = msg.graph;
  const byName = new Map<string, TensorMsg>();
  for (const t of graph.initializer) byName.set(t.name, t);
  const externalFiles = new Set<string>();
  const fileCache = new Map<string, Uint8Array>();
  const payload = (t: TensorMsg): Uint8Array | undefined => {
    if (t.dataLocation !== 1) return t.rawData;
    const kv = new Map(t.externalData.map((e) => [e.key, e.value]));
    const location = kv.get('location');
    if (!location) throw new OnnxReadError(`${source}: initializer '${t.name}' is external but names no location`);
    if (!options.externalData) throw new OnnxReadError(`${source}: initializer '${t.name}' lives in external file '${location}'; pass an externalData reader`);
    let file = fileCache.get(location);
    if (!file) {
      file = options.externalData(location);
      fileCache.set(location, file);
    }
    const offset = Number(kv.get('offset') ?? 0);
    const length = kv.has('length') ? Number(kv.get('length')) : file.length - offset;
    if (offset + length > file.length) {
      throw new OnnxReadError(`${source}: initializer '${t.name}' reads bytes ${offset}..${offset + length} of '${location}', which has ${file.length}`);
    }
    return file.subarray(offset, offset + length);
  };
  const decoded = new Map<string, StoredTensor>();
  const store: TensorStore = {
    source,
    names: () => [...byName.keys()],
    get(name) {
      const hit = decoded.get(name);
      if (hit) return hit;
      const t = byName.get(name);
      if (!t) return undefined;
      const value = { shape: t.dims.map(int64), data: decodeValues(t, payload(t), source) };
      decoded.set(name, value);
      return value;
    },
  };
  for (const t of graph.initializer) {
    if (t.dataLocation === 1) {
      const loc = t.externalData.find((e) => e.key === 'location');
      if (loc) externalFiles.add(loc.value);
    }
  }
  const consumers = new Map<string, NodeMsg[]>();
  for (const n of graph.node) for (const i of n.input) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const ops: Record<string, number> = {};
  const convs: OnnxConv[] = [];
  for (const n of graph.node) {
    ops[n.opType] = (ops[n.opType] ?? 0) + 1;
    if (n.opType !== 'Conv') continue;
    const a = attrs(n);
    const conv: OnnxConv = {
      node: n.name || `Conv#${convs.length}`,
      weight: n.input[1],
      group: a.has('group') ? int64(a.get('group')!.i) : 1,
      strides: a.get('strides')?.ints.map(int64) ?? [1, 1],
      pads: a.get('pads')?.ints.map(int64) ?? [0, 0, 0, 0],
    };
    if (n.input[2]) conv.bias = n.input[2];
    const next = consumers.get(n.output[0]) ?? [];
    if (next.length === 1 && next[0].opType === 'BatchNormalization') {
      const bn = next[0];
      const eps = attrs(bn).get('epsilon');
      conv.bn = { node: bn.name, scale: bn.input[1], bias: bn.input[2], mean: bn.input[3], variance: bn.input[4], epsilon: eps?.f ?? 1e-5 };
    }
    convs.push(conv);
  }
  return {
    source,
    producer: [msg.producerName, msg.producerVersion].filter(Boolean).join(' '),
    irVersion: int64(msg.irVersion),
    opset: Math.max(0, ...msg.opsetImport.filter((o) => !o.domain || o.domain === 'ai.onnx').map((o) => int64(o.version))),
    store,
    initializers: graph.initializer.map((t) => ({ name: t.name, shape: t.dims.map(int64), dataType: t.dataType, external: t.dataLocation === 1 })),
    convs,
    ops,
    externalFiles: [...externalFiles],
  };
}
