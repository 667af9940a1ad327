import { mapStore, type StoredTensor, type TensorStore } from '../weights.js';
import { decodeTfjsGroup, TfjsWeightsError, type TfjsWeightGroup } from './decode.js';

/** A Keras layer as listed in a tfjs layers-model topology. */
export interface KerasLayer {
  className: string;
  name: string;
  config: Record<string, unknown>;
}

/** A parsed tfjs layers model (model.json plus its weight shards). */
export interface TfjsModel {
  source: string;
  format: string;
  generatedBy: string;
  /** Every layer, nested models flattened. */
  layers: KerasLayer[];
  /** BatchNormalization epsilon by layer name. */
  bnEpsilon: Map<string, number>;
  /** Decoded weights; a name also resolves by its last two path segments (`model/conv1/kernel` → `conv1/kernel`). */
  store: TensorStore;
  manifest: TfjsWeightGroup[];
}

/** Reads a shard file named in the manifest (path relative to model.json). */
export type ShardReader = (path: string) => Uint8Array;

interface LayerJson {
  class_name: string;
  name?: string;
  config: Record<string, unknown> & { name?: string; layers?: LayerJson[] | { layers?: LayerJson[] } };
}

function flattenLayers(layers: LayerJson[] | undefined, out: KerasLayer[]): void {
  for (const l of layers ?? []) {
    const name = l.name ?? l.config?.name ?? '';
    out.push({ className: l.class_name, name, config: l.config ?? {} });
    const inner = l.config?.layers;
    if (Array.isArray(inner)) flattenLayers(inner, out);
    else if (inner && Array.isArray(inner.layers)) flattenLayers(inner.layers, out);
  }
}

/** Adds suffix lookup: `prefix/conv1/kernel` is found as `conv1/kernel` when that is unambiguous. */
function suffixStore(source: string, tensors: Map<string, StoredTensor>): TensorStore {
  const base = mapStore(source, tensors);
  const bySuffix = new Map<string, string | null>();
  for (const name of tensors.keys()) {
    const parts = name.split('/');
    if (parts.length <= 2) continue;
    const key = parts.slice(-2).join('/');
    bySuffix.set(key, bySuffix.has(key) ? null : name);
  }
  return {
    source,
    names: base.names,
    get: (name) => base.get(name) ?? (bySuffix.get(name) ? tensors.get(bySuffix.get(name)!) : undefined),
  };
}

/**
 * Parses a TensorFlow.js layers model: `model.json` (an object or its text) and the shard bytes
 * from a reader. Quantized weights (uint8/uint16 with scale/min, float16) are dequantized.
 *
 * @example
 * ```ts
 * const model = readTfjsModel(readFileSync(jsonPath, 'utf8'), (p) => readFileSync(join(dir, p)), jsonPath);
 * const weights = assembleWeights(architecture('keras_resnet50'), model.store, { epsilon: (n) => model.bnEpsilon.get(n) });
 * ```
 */
export function readTfjsModel(modelJson: string | object, readShard: ShardReader, source = 'model.json'): TfjsModel {
  let json: { format?: string; generatedBy?: string; modelTopology?: Record<string, unknown>; weightsManifest?: TfjsWeightGroup[] };
  try {
    json = typeof modelJson === 'string' ? JSON.parse(modelJson) : (modelJson as typeof json);
  } catch {
    throw new TfjsWeightsError(`${source}: not valid JSON`);
  }
  if (!json.weightsManifest || !Array.isArray(json.weightsManifest)) throw new TfjsWeightsError(`${source}: no weightsManifest (not a tfjs model.json)`);
  const topo = (json.modelTopology ?? {}) as { model_config?: LayerJson; config?: LayerJson['config']; class_name?: string };
  const root: LayerJson | undefined = topo.model_config ?? (topo.class_name ? (topo as LayerJson) : undefined);
  const layers: KerasLayer[] = [];
  if (root) {
    const inner = root.config?.layers;
    flattenLayers(Array.isArray(inner) ? inner : inner?.layers, layers);
  }
  const bnEpsilon = new Map<string, number>();
  for (const l of layers) {
    if (l.className === 'BatchNormalization' && typeof l.config.epsilon === 'number') bnEpsilon.set(l.name, l.config.epsilon);
  }
  const tensors = new Map<string, StoredTensor>();
  for (const group of json.weightsManifest) {
    const parts = group.paths.map((p) => {
      try {
        return readShard(p);
      } catch (err) {
        throw new TfjsWeightsError(`${source}: cannot read weight shard '${p}' (${err instanceof Error ? err.message : String(err)})`);
      }
    });
    const total = parts.reduce((s, p) => s + p.length, 0);
    const bytes = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      bytes.set(p, off);
      off += p.length;
    }
    for (const [k, v] of decodeTfjsGroup(group, bytes, source)) tensors.set(k, v);
  }
  return {
    source,
    format: json.format ?? 'layers-model',
    generatedBy: json.generatedBy ?? '',
    layers,
    bnEpsilon,
    store: suffixStore(source, tensors),
    manifest: json.weightsManifest,
  };
}
