import { tensor } from '../../ops/creation.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * Pre-computed pooled features of N images: for each scale, row-major NHWC float32 values of
 * shape [N, h, w, c]. Training reads these instead of re-running the frozen backbone.
 */
export interface FeatureSet {
  count: number;
  scales: { shape: [number, number, number]; data: Float32Array }[];
}

/**
 * Random-access features, for stores that are not one array in memory (e.g. a float16 cache on
 * disk). `read` returns the rows `indices` of one scale, concatenated in that order.
 */
export interface FeatureSource {
  readonly count: number;
  /** [h, w, c] of each scale. */
  readonly shapes: readonly (readonly [number, number, number])[];
  read(scale: number, indices: readonly number[]): Float32Array | Promise<Float32Array>;
}

function isSource(x: FeatureSet | FeatureSource): x is FeatureSource {
  return typeof (x as FeatureSource).read === 'function';
}

/**
 * A {@link FeatureSource} over either kind of input; validates a {@link FeatureSet}'s lengths.
 *
 * @example
 * ```ts
 * const source = featureSource({ count: 2, scales: [{ shape: [4, 4, 8], data: new Float32Array(2 * 4 * 4 * 8) }] });
 * ```
 */
export function featureSource(features: FeatureSet | FeatureSource): FeatureSource {
  if (isSource(features)) return features;
  const { count, scales } = features;
  if (!Number.isInteger(count) || count < 0) throw new Error(`features: count must be a non-negative integer, got ${count}`);
  scales.forEach(({ shape, data }, l) => {
    const per = shape[0] * shape[1] * shape[2];
    if (data.length !== count * per) {
      throw new Error(`features: scale ${l} holds ${data.length} values, ${count} images of [${shape.join(',')}] need ${count * per}`);
    }
  });
  return {
    count,
    shapes: scales.map((s) => s.shape),
    read(scale, indices) {
      const { shape, data } = scales[scale];
      const per = shape[0] * shape[1] * shape[2];
      const out = new Float32Array(indices.length * per);
      indices.forEach((i, j) => {
        if (!Number.isInteger(i) || i < 0 || i >= count) throw new Error(`features: image index ${i} out of range [0, ${count})`);
        out.set(data.subarray(i * per, (i + 1) * per), j * per);
      });
      return out;
    },
  };
}

/** Latent elements per image (Σ h·w·c over the scales): what a loss is divided by for `loss/dim`. */
export function elementsPerImage(source: FeatureSource): number {
  return source.shapes.reduce((n, [h, w, c]) => n + h * w * c, 0);
}

/**
 * The images `indices` as one NHWC tensor per scale (owned by the caller).
 *
 * @example
 * ```ts
 * const batch = await featureBatch(featureSource(set), [0, 1, 2, 3]);
 * const maps = predict(model, batch);
 * dispose(batch);
 * ```
 */
export async function featureBatch(source: FeatureSource, indices: readonly number[]): Promise<Tensor[]> {
  const arrays = await Promise.all(source.shapes.map((_, l) => source.read(l, indices)));
  return arrays.map((a, l) => tensor(a, [indices.length, ...source.shapes[l]]));
}

/**
 * Collects batches of feature tensors (e.g. backbone outputs, one list per batch) into a
 * {@link FeatureSet}. The tensors are read, not disposed.
 *
 * @example
 * ```ts
 * const set = await toFeatureSet([await extract(batch0), await extract(batch1)]);
 * ```
 */
export async function toFeatureSet(batches: readonly (readonly Tensor[])[]): Promise<FeatureSet> {
  if (batches.length === 0) throw new Error('toFeatureSet: no batches');
  const shapes = batches[0].map((t) => [t.shape[1], t.shape[2], t.shape[3]] as [number, number, number]);
  const count = batches.reduce((n, b) => n + b[0].shape[0], 0);
  const scales = shapes.map((shape) => ({ shape, data: new Float32Array(count * shape[0] * shape[1] * shape[2]) }));
  let offset = 0;
  for (const batch of batches) {
    const n = batch[0].shape[0];
    for (let l = 0; l < shapes.length; l++) {
      const t = batch[l];
      if (!t || t.rank !== 4 || t.shape[0] !== n || t.shape.slice(1).some((d, i) => d !== shapes[l][i])) {
        throw new Error(`toFeatureSet: batch tensors must all be [n, ${shapes[l].join(', ')}] at scale ${l}`);
      }
      const per = shapes[l][0] * shapes[l][1] * shapes[l][2];
      scales[l].data.set(await t.data(), offset * per);
    }
    offset += n;
  }
  return { count, scales };
}
