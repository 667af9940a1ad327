/**
 * A kNN / PatchCore-style anomaly baseline on precomputed backbone features: a memory bank of
 * patch features from normal images (optionally a seeded coreset of it), and for each test patch
 * the distance to its nearest bank patch as the anomaly score, upsampled to the image and
 * Gaussian-smoothed. It needs no training, so every accuracy table can show how far a model is
 * from this simple reference.
 */
import { featureSource, type FeatureSet, type FeatureSource } from '@msflow/core';
import { selectCoreset, type CoresetOptions } from './coreset.js';
import { dotDescription, jsDot, makeBank, nearestDistances, type Bank, type DotProducts } from './distances.js';
import { imagePatches, patchLayout, type PatchLayout, type PatchOptions } from './patches.js';
import { gaussianBlur, resizeBilinear } from './resample.js';

/** Options of {@link KnnBaseline.fit}. */
export interface KnnOptions {
  /** Map size [height, width]: the network input size the features came from. */
  imageSize: readonly [number, number];
  /** Tap indices (default [1, 2] with three or more taps: stage 2 + upsampled stage 3, as PatchCore; else [0]). */
  taps?: readonly number[];
  /** Local averaging window (default 3). */
  window?: number;
  /** Bank subsampling (default none). */
  coreset?: Partial<CoresetOptions>;
  /** Gaussian σ in map pixels (default 4, as PatchCore; 0: none). */
  sigma?: number;
  /** Image score: the maximum of the final map (default), or of the patch distances before upsampling and smoothing (PatchCore's). */
  imageScore?: 'map' | 'patches';
  /** A·Bᵀ kernel (default {@link jsDot}; pass `backendDot` with the onnx backend active for speed). */
  dot?: DotProducts;
  /** Images per read / query block (default 8). */
  batchSize?: number;
}

/** Scores of a test set, laid out as core's `EvaluationOutput` (one map per image). */
export interface KnnScores {
  count: number;
  shape: { height: number; width: number };
  imageScores: Float32Array;
  /** count · height · width values, image-major. */
  maps: Float32Array;
  seconds: number;
}

/** What a fitted baseline is, for reports. */
export interface KnnDescription {
  taps: number[];
  window: number;
  grid: [number, number];
  dim: number;
  /** Patches the normal images gave, and how many the bank kept. */
  patches: number;
  bank: number;
  coreset: CoresetOptions['method'];
  seed: number;
  sigma: number;
  imageScore: 'map' | 'patches';
  dot: string;
  fitSeconds: number;
}

/**
 * @example
 * ```ts
 * const knn = await KnnBaseline.fit(train.features, { imageSize: [256, 256], coreset: { method: 'greedy', size: 10_000, seed: 0 } });
 * const { imageScores, maps } = await knn.score(test.features);
 * ```
 */
export class KnnBaseline {
  private constructor(
    private readonly bank: Bank,
    private readonly layout: PatchLayout,
    private readonly patch: PatchOptions,
    private readonly options: Required<Pick<KnnOptions, 'imageSize' | 'sigma' | 'imageScore' | 'dot' | 'batchSize'>>,
    readonly description: KnnDescription,
  ) {}

  /** Builds the memory bank from the features of normal images. */
  static async fit(train: FeatureSet | FeatureSource, options: KnnOptions): Promise<KnnBaseline> {
    const t0 = performance.now();
    const source = featureSource(train);
    if (source.count === 0) throw new RangeError('kNN baseline: no training images');
    const patch: PatchOptions = { taps: [...(options.taps ?? (source.shapes.length >= 3 ? [1, 2] : [0]))], window: options.window ?? 3 };
    const layout = patchLayout(source.shapes, patch.taps);
    const batchSize = options.batchSize ?? 8;
    const cells = layout.height * layout.width;
    const all = new Float32Array(source.count * cells * layout.dim);
    for (let start = 0; start < source.count; start += batchSize) {
      const rows = [...Array(Math.min(batchSize, source.count - start)).keys()].map((i) => start + i);
      const scales = await Promise.all(patch.taps.map((t) => source.read(t, rows)));
      all.set(imagePatches(scales, source.shapes, rows.length, patch), start * cells * layout.dim);
    }
    const n = source.count * cells;
    const coreset: CoresetOptions = { method: options.coreset?.method ?? 'none', size: options.coreset?.size ?? n, seed: options.coreset?.seed ?? 0, projection: options.coreset?.projection };
    const keep = selectCoreset(all, n, layout.dim, coreset);
    let data = all;
    if (keep.length < n) {
      data = new Float32Array(keep.length * layout.dim);
      keep.forEach((r, i) => data.set(all.subarray(r * layout.dim, (r + 1) * layout.dim), i * layout.dim));
    }
    const rest = {
      imageSize: options.imageSize,
      sigma: options.sigma ?? 4,
      imageScore: options.imageScore ?? 'map',
      dot: options.dot ?? jsDot,
      batchSize,
    };
    const description: KnnDescription = {
      taps: [...patch.taps],
      window: patch.window,
      grid: [layout.height, layout.width],
      dim: layout.dim,
      patches: n,
      bank: keep.length,
      coreset: keep.length < n ? coreset.method : 'none',
      seed: coreset.seed,
      sigma: rest.sigma,
      imageScore: rest.imageScore,
      dot: dotDescription(rest.dot),
      fitSeconds: (performance.now() - t0) / 1000,
    };
    return new KnnBaseline(makeBank(data, keep.length, layout.dim), layout, patch, rest, description);
  }

  /**
   * Anomaly maps (nearest-bank distance per patch, bilinearly upsampled to the image size, then
   * Gaussian-smoothed) and image scores of every image of `test`.
   */
  async score(test: FeatureSet | FeatureSource, opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<KnnScores> {
    const t0 = performance.now();
    const source = featureSource(test);
    const { layout, patch, bank } = this;
    const [H, W] = this.options.imageSize;
    const cells = layout.height * layout.width;
    const imageScores = new Float32Array(source.count);
    const maps = new Float32Array(source.count * H * W);
    for (let start = 0; start < source.count; start += this.options.batchSize) {
      opts.signal?.throwIfAborted();
      const rows = [...Array(Math.min(this.options.batchSize, source.count - start)).keys()].map((i) => start + i);
      const scales = await Promise.all(patch.taps.map((t) => source.read(t, rows)));
      const queries = imagePatches(scales, source.shapes, rows.length, patch);
      const { distances } = await nearestDistances(queries, rows.length * cells, bank, { dot: this.options.dot });
      rows.forEach((img, i) => {
        const patchMap = distances.subarray(i * cells, (i + 1) * cells);
        const map = gaussianBlur(resizeBilinear(patchMap, layout.height, layout.width, 1, H, W), H, W, this.options.sigma);
        maps.set(map, img * H * W);
        imageScores[img] = maxOf(this.options.imageScore === 'map' ? map : patchMap);
      });
      opts.onProgress?.(start + rows.length, source.count);
    }
    return { count: source.count, shape: { height: H, width: W }, imageScores, maps, seconds: (performance.now() - t0) / 1000 };
  }
}

function maxOf(x: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i] > m) m = x[i];
  return m;
}
