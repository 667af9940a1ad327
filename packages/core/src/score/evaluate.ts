import { dispose } from '../engine/engine.js';
import { featureBatch, featureSource, type FeatureSet, type FeatureSource } from '../models/msflow/features.js';
import type { MSFlowModel } from '../models/msflow/model.js';
import { predict } from './predict.js';

/** Scores and maps of a whole test set, as flat float32 arrays (image-major). */
export interface EvaluationOutput {
  count: number;
  /** Map size: the model's input size. */
  shape: { height: number; width: number };
  /** The paper's image scores (top-k mean of the multiplicative map; for the paper's metrics). */
  imageScores: Float32Array;
  /** The user-facing image scores (top-k mean of the NLL map; they never saturate). */
  nllScores: Float32Array;
  /** Additive maps, count·height·width values (absent with `maps: false`). */
  addMaps?: Float32Array;
  /** Multiplicative maps, likewise. */
  mulMaps?: Float32Array;
  /** Negative fused log-likelihood maps, likewise (the user-facing map). */
  nllMaps?: Float32Array;
  /** Whatever the `metrics` callback returned. */
  metrics?: Record<string, number>;
  seconds: number;
}

/** What a {@link BatchScorer} returns for one batch: flat float32 arrays, image-major. */
export interface BatchScores {
  imageScores: Float32Array;
  nllScores: Float32Array;
  /** Additive, multiplicative and NLL maps at the model's input size (when asked for). */
  add?: Float32Array;
  mul?: Float32Array;
  nll?: Float32Array;
}

/**
 * Scores one batch of pooled features (row-major NHWC arrays, one per scale) somewhere other
 * than the active backend, e.g. a compiled onnxruntime program; it must compute what
 * {@link predict} computes.
 */
export type BatchScorer = (features: readonly { data: Float32Array; shape: readonly number[] }[], maps: boolean) => Promise<BatchScores>;

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Images per forward pass (default: the training batch size). */
  batchSize?: number;
  /** Keep the per-pixel maps (default true; 3·H·W floats per image). */
  maps?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /**
   * Computes metrics from the output (core has none: `@msflow/eval`'s
   * `evaluateAnomalyDetection` is the intended one).
   */
  metrics?: (output: EvaluationOutput) => Record<string, number> | Promise<Record<string, number>>;
  /** Scores batches instead of {@link predict} on the active backend. */
  scorer?: BatchScorer;
}

/**
 * Scores every image of a feature set in batches and optionally computes metrics from the result.
 * Aborting throws the signal's reason.
 *
 * @example
 * ```ts
 * const out = await evaluate(model, testFeatures, {
 *   metrics: (o) => evaluateAnomalyDetection({ imageScores: o.imageScores, labels, pixelMaps: o.addMaps, proMaps: o.mulMaps, masks, shape: o.shape }).metrics,
 * });
 * ```
 */
export async function evaluate(model: MSFlowModel, features: FeatureSet | FeatureSource, options: EvaluateOptions = {}): Promise<EvaluationOutput> {
  const t0 = typeof performance !== 'undefined' ? performance.now() : Date.now();
  const source = featureSource(features);
  const [height, width] = model.config.inputSize;
  const batchSize = options.batchSize ?? model.config.train.batchSize;
  const keepMaps = options.maps ?? true;
  const pixels = height * width;
  const out: EvaluationOutput = {
    count: source.count,
    shape: { height, width },
    imageScores: new Float32Array(source.count),
    nllScores: new Float32Array(source.count),
    addMaps: keepMaps ? new Float32Array(source.count * pixels) : undefined,
    mulMaps: keepMaps ? new Float32Array(source.count * pixels) : undefined,
    nllMaps: keepMaps ? new Float32Array(source.count * pixels) : undefined,
    seconds: 0,
  };
  for (let start = 0; start < source.count; start += batchSize) {
    options.signal?.throwIfAborted();
    const indices = Array.from({ length: Math.min(batchSize, source.count - start) }, (_, i) => start + i);
    if (options.scorer) {
      const arrays = await Promise.all(source.shapes.map(async (shape, l) => ({ data: await source.read(l, indices), shape: [indices.length, ...shape] })));
      const r = await options.scorer(arrays, keepMaps);
      out.imageScores.set(r.imageScores, start);
      out.nllScores.set(r.nllScores, start);
      if (out.addMaps && out.mulMaps && out.nllMaps) {
        if (!r.add || !r.mul || !r.nll) throw new Error('evaluate: the scorer returned no maps');
        out.addMaps.set(r.add, start * pixels);
        out.mulMaps.set(r.mul, start * pixels);
        out.nllMaps.set(r.nll, start * pixels);
      }
    } else {
      const batch = await featureBatch(source, indices);
      const maps = predict(model, batch);
      try {
        out.imageScores.set(await maps.imageScores.data(), start);
        out.nllScores.set(await maps.nllScores.data(), start);
        if (out.addMaps && out.mulMaps && out.nllMaps) {
          out.addMaps.set(await maps.add.data(), start * pixels);
          out.mulMaps.set(await maps.mul.data(), start * pixels);
          out.nllMaps.set(await maps.nll.data(), start * pixels);
        }
      } finally {
        dispose([batch, maps]);
      }
    }
    options.onProgress?.(start + indices.length, source.count);
  }
  if (options.metrics) out.metrics = await options.metrics(out);
  out.seconds = ((typeof performance !== 'undefined' ? performance.now() : Date.now()) - t0) / 1000;
  return out;
}
