import { sizeOf } from '../tensor/shape.js';
import { foldConv, expectedWeightShape, type BatchNormParams, type FoldedConv, type RawConv, type WeightLayout } from './fold.js';
import type { ArchSpec, ConvSpec } from './types.js';

/** A named float tensor read from a weight file. */
export interface StoredTensor {
  shape: number[];
  data: Float32Array;
}

/** Named tensors of one weight file; `source` names the file in error messages. */
export interface TensorStore {
  readonly source: string;
  get(name: string): StoredTensor | undefined;
  names(): string[];
}

/**
 * Wraps a map as a {@link TensorStore}.
 *
 * @example
 * ```ts
 * const store = mapStore('in memory', new Map([['conv1.weight', { shape: [64, 3, 7, 7], data }]]));
 * ```
 */
export function mapStore(source: string, tensors: ReadonlyMap<string, StoredTensor>): TensorStore {
  return { source, get: (n) => tensors.get(n), names: () => [...tensors.keys()] };
}

/** Folded weights of every convolution of a graph, by {@link ConvSpec.key}. */
export type BackboneWeights = Map<string, FoldedConv>;

/** A weight file does not fit the graph; the message names the file and the tensor. */
export class BackboneWeightsError extends Error {
  override name = 'BackboneWeightsError';
}

const fmt = (s: readonly number[]) => `[${s.join(',')}]`;

/** Fetches a tensor and checks its shape, with errors naming the file, tensor and convolution. */
export function requireTensor(store: TensorStore, name: string, shape: readonly number[], spec: ArchSpec, c: ConvSpec): Float32Array {
  const t = store.get(name);
  if (!t) throw new BackboneWeightsError(`${store.source}: missing tensor '${name}' (needed by ${spec.id} conv ${c.key})`);
  const n = sizeOf(shape);
  const same = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!same) {
    throw new BackboneWeightsError(`${store.source}: tensor '${name}' has shape ${fmt(t.shape)}, the ${spec.id} graph expects ${fmt(shape)} (conv ${c.key})`);
  }
  if (t.data.length !== n) throw new BackboneWeightsError(`${store.source}: tensor '${name}' holds ${t.data.length} values, shape ${fmt(shape)} needs ${n}`);
  return t.data;
}

/** How one naming scheme spells a convolution's tensors. */
interface Naming {
  weight(conv: string, c: ConvSpec): { name: string; layout: WeightLayout };
  bias(conv: string): string;
  bn(bn: string): [gamma: string, beta: string, mean: string, variance: string];
}

const TORCH: Naming = {
  weight: (conv) => ({ name: `${conv}.weight`, layout: 'OIHW' }),
  bias: (conv) => `${conv}.bias`,
  bn: (bn) => [`${bn}.weight`, `${bn}.bias`, `${bn}.running_mean`, `${bn}.running_var`],
};

const KERAS: Naming = {
  weight: (conv, c) => (c.groups > 1 ? { name: `${conv}/depthwise_kernel`, layout: 'HWCM' } : { name: `${conv}/kernel`, layout: 'HWIO' }),
  bias: (conv) => `${conv}/bias`,
  bn: (bn) => [`${bn}/gamma`, `${bn}/beta`, `${bn}/moving_mean`, `${bn}/moving_variance`],
};

/** Options of {@link assembleWeights}. */
export interface AssembleOptions {
  /** Naming scheme (default: the architecture's own). */
  naming?: 'torch' | 'keras';
  /** BatchNorm epsilon per BN layer name (Keras models store it per layer); default the architecture's. */
  epsilon?: (bnName: string) => number | undefined;
}

/**
 * Every tensor name the graph reads in a naming scheme (for inspection and strictness checks).
 *
 * @example
 * ```ts
 * expectedTensorNames(architecture('resnet18')).slice(0, 2); // ['conv1.weight', 'bn1.weight']
 * ```
 */
export function expectedTensorNames(spec: ArchSpec, naming: 'torch' | 'keras' = spec.naming): string[] {
  const scheme = naming === 'torch' ? TORCH : KERAS;
  const out: string[] = [];
  for (const c of spec.convs) {
    const names = c.names[naming];
    if (!names) continue;
    out.push(scheme.weight(names.conv, c).name);
    if (names.bn) out.push(...scheme.bn(names.bn));
  }
  return out;
}

/**
 * Reads every convolution of `spec` from a named-tensor store (torchvision state-dict names or
 * Keras layer names), validates names and shapes, and folds BatchNorm. Tensors the graph does not
 * use (layer4, the classifier, `num_batches_tracked`) are ignored.
 *
 * @example
 * ```ts
 * const spec = architecture('wide_resnet50_2', { padMode: 'reflect' });
 * const weights = assembleWeights(spec, safetensorsStore(bytes, 'wrn50_2.safetensors'));
 * ```
 */
export function assembleWeights(spec: ArchSpec, store: TensorStore, options: AssembleOptions = {}): BackboneWeights {
  const naming = options.naming ?? spec.naming;
  const scheme = naming === 'torch' ? TORCH : KERAS;
  const out: BackboneWeights = new Map();
  for (const c of spec.convs) {
    const names = c.names[naming];
    if (!names) throw new BackboneWeightsError(`${store.source}: ${spec.id} has no ${naming} names; load it from ONNX or with its own naming`);
    const w = scheme.weight(names.conv, c);
    const raw: RawConv = { weight: requireTensor(store, w.name, expectedWeightShape(c, w.layout), spec, c), layout: w.layout };
    const biasName = scheme.bias(names.conv);
    if (store.get(biasName)) raw.bias = requireTensor(store, biasName, [c.outChannels], spec, c);
    if (c.batchNorm) {
      if (!names.bn) throw new BackboneWeightsError(`${spec.id}: conv ${c.key} has no BatchNorm name`);
      const [g, b, m, v] = scheme.bn(names.bn).map((n) => requireTensor(store, n, [c.outChannels], spec, c));
      const bn: BatchNormParams = { gamma: g, beta: b, mean: m, variance: v, epsilon: options.epsilon?.(names.bn) ?? spec.bnEpsilon };
      raw.bn = bn;
    }
    out.set(c.key, foldConv(c, raw));
  }
  return out;
}

/**
 * Number of parameters of folded weights.
 *
 * @example
 * ```ts
 * countParameters(randomBackboneWeights(architecture('wide_resnet50_2'), new Rng(0))); // 24,842,752 (BN folded)
 * ```
 */
export function countParameters(weights: BackboneWeights): number {
  let n = 0;
  for (const w of weights.values()) n += w.filter.length + w.bias.length;
  return n;
}
