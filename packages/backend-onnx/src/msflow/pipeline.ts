import { mul, normalizeInput, normalizeScores, scoreWith, step, sub, transpose, type Backbone, type MSFlowModel, type ScoreNormalization, type Tensor } from '@msflow/core';

/** Options of {@link msflowInferenceFn}. */
export interface MSFlowInferenceOptions {
  /** The frozen feature extractor; its parameters must live on the onnx backend that traces. */
  readonly backbone: Backbone;
  /** The trained flows; parameters on the same backend. */
  readonly model: MSFlowModel;
  /**
   * Image-score threshold baked into the graph: `label` = 1 where `score` > threshold, else 0.
   * Without it there is no `label` output.
   */
  readonly threshold?: number;
  /**
   * Which MSFlow map becomes `anomaly_map`: `add` (the additive map, used for pixel AUROC;
   * default), `mul` (the multiplicative map the paper's image score and PRO use) or `nll` (the
   * negative log-likelihood map: one scale for every image, what a user looks at).
   */
  readonly map?: 'add' | 'mul' | 'nll';
  /**
   * Which image score becomes `score`: `paper` (top-k mean of the multiplicative map; default)
   * or `nll` (top-k mean of the NLL map: never saturates, what a user thresholds).
   */
  readonly score?: 'paper' | 'nll';
  /** With it, a `normalized_score` output: `score` mapped to (0, 1), 0.5 at its threshold. */
  readonly normalization?: ScoreNormalization;
  /** Input layout: `nchw` (default, the usual export interface) or `nhwc` (core's layout). */
  readonly layout?: 'nchw' | 'nhwc';
  /**
   * What the input holds: `normalised` (default: the backbone's normalisation already applied)
   * or `pixels` (RGB in [0, 255]: the backbone's preprocessing runs inside the graph).
   */
  readonly input?: 'normalised' | 'pixels';
}

/**
 * The whole test-time program as one function of a normalised image batch: backbone (3 pooled
 * taps), flows, per-scale logp maps, anomaly map at the input size, image score, and a label
 * from a fixed threshold. Trace it with `compileOnnx` (fast inference) or `exportOnnx`
 * (a standalone `.onnx`).
 *
 * @example
 * ```ts
 * setBackend(onnx); // then create backbone and model so their parameters are onnx tensors
 * const fn = msflowInferenceFn({ backbone, model, threshold: 0.42 });
 * const f = compileOnnx(fn, { inputs: [{ name: 'image', shape: [-1, 3, 256, 256] }] });
 * const [map, score, label] = await f.run([images]);
 * ```
 */
export function msflowInferenceFn(options: MSFlowInferenceOptions): (image: Tensor) => Record<string, Tensor> {
  const { backbone, model, threshold, map = 'add', score: scoreKind = 'paper', normalization, layout = 'nchw', input = 'normalised' } = options;
  return (image) => {
    const nhwc = layout === 'nchw' ? transpose(image, [0, 2, 3, 1]) : image;
    const x = input === 'pixels' ? normalizeInput(mul(nhwc, 1 / 255), backbone.preprocess) : nhwc;
    const { z } = model.forward(backbone.extract(x));
    const maps = scoreWith(z, model.config);
    const score = scoreKind === 'nll' ? maps.nllScores : maps.imageScores;
    const out: Record<string, Tensor> = { anomaly_map: maps[map], score };
    if (normalization) out.normalized_score = normalizeScores(score, normalization);
    if (threshold !== undefined) out.label = step(sub(score, threshold));
    return out;
  };
}

/**
 * The backbone alone as a traceable function of an NHWC batch: one pooled feature map per tap
 * (`y1`, `y2`, ...). Compiled with `compileOnnx`, it is the fast way to compute the cached
 * training features of any backend (the backbone is frozen).
 *
 * @example
 * ```ts
 * const f = compileOnnx(featureExtractorFn(backbone), { inputs: [{ name: 'image', shape: [-1, 256, 256, 3] }] });
 * const [y1, y2, y3] = await f.run([pixels]);
 * ```
 */
export function featureExtractorFn(backbone: Backbone): (image: Tensor) => Record<string, Tensor> {
  return (image) => Object.fromEntries(backbone.extract(image).map((t, i) => [`y${i + 1}`, t]));
}
