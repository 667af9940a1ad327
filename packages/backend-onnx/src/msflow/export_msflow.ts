import { writeFile } from 'node:fs/promises';
import type { OnnxBackend } from '../backend.js';
import { exportOnnx, type ExportedModel } from '../compile/export.js';
import { msflowInferenceFn, type MSFlowInferenceOptions } from './pipeline.js';
import { rgb8Interface } from './rgb8_interface.js';

/** Options of {@link exportMSFlowOnnx}. */
export interface MSFlowExportOptions extends MSFlowInferenceOptions {
  /** Where to write the `.onnx` file (optional: the bytes are returned either way). */
  readonly path?: string;
  /** The onnx backend the backbone's and model's parameters live on. */
  readonly backend?: OnnxBackend;
  /** Extra metadata stored in the model. */
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * The model's interface: `normalised` (default: input `image` float32 [N, 3, H, W] with the
   * backbone's normalisation applied; outputs `anomaly_map`, `score`, `label`) or `rgb8` (what a
   * deployment feeds: input `image` uint8 RGB [N, H, W, 3] at the model's size, preprocessing
   * inside; outputs `score` float32 [N], `label` uint8 [N], `map` float32 [N, H, W]).
   */
  readonly images?: 'normalised' | 'rgb8';
}

/**
 * Exports MSFlow inference as a standalone ONNX model: input `image`, a normalised batch
 * [N, 3, H, W] (NCHW, float32, the backbone's normalisation already applied) at the model's
 * input size; outputs `anomaly_map` [N, H, W], `score` [N], with a normalisation
 * `normalized_score` [N], and with a threshold `label` [N] (1 where score > threshold). The
 * batch size is symbolic. The threshold, map and score kinds, input size, top-k fraction and
 * backbone are stored as metadata (`msflow.*`).
 *
 * @example
 * ```ts
 * await exportMSFlowOnnx({ backbone, model, threshold: 0.42, path: 'bottle.onnx' });
 * ```
 */
export async function exportMSFlowOnnx(options: MSFlowExportOptions): Promise<ExportedModel> {
  const { model, backbone } = options;
  const [h, w] = model.config.inputSize;
  const rgb8 = options.images === 'rgb8';
  const layout = rgb8 ? 'nhwc' : (options.layout ?? 'nchw');
  const shape = layout === 'nchw' ? [-1, 3, h, w] : [-1, h, w, 3];
  const scoreKind = options.score ?? 'paper';
  const metadata: Record<string, string> = {
    'msflow.map': options.map ?? 'add',
    'msflow.score': scoreKind,
    'msflow.input': rgb8
      ? `image NHWC [N,${h},${w},3] uint8 RGB at the model's size; preprocessing inside (${backbone.preprocess.description})`
      : `image ${layout.toUpperCase()} [N,${shape.slice(1).join(',')}] float32, normalised (${JSON.stringify(backbone.preprocess)})`,
    'msflow.input_size': `${h}x${w}`,
    'msflow.top_k': String(model.config.topK),
    'msflow.backbone': backbone.id,
    ...(options.threshold !== undefined ? { 'msflow.threshold': String(options.threshold), 'msflow.label': 'score > threshold' } : {}),
    ...options.metadata,
  };
  const docString =
    'MSFlow anomaly detection (msflow-ts). anomaly_map: per-pixel anomaly at the input size; score: image score ' +
    (scoreKind === 'nll' ? '(top-k mean of the negative log-likelihood map)' : '(top-k mean of the multiplicative map)') +
    (options.normalization ? '; normalized_score: score mapped to (0, 1), 0.5 at the threshold' : '') +
    (options.threshold !== undefined ? `; label: 1 if score > ${options.threshold}.` : '.');
  const exported = await exportOnnx(msflowInferenceFn({ ...options, layout, input: rgb8 ? 'pixels' : 'normalised' }), {
    inputs: [{ name: 'image', shape }],
    backend: options.backend,
    path: rgb8 ? undefined : options.path,
    graphName: 'msflow',
    serialize: { docString, metadata },
  });
  if (!rgb8) return exported;
  const bytes = rgb8Interface(exported.bytes);
  if (options.path) await writeFile(options.path, bytes);
  const renamed = exported.outputNames.map((n) => (n === 'anomaly_map' ? 'map' : n));
  const order = ['score', 'normalized_score', 'label', 'map'].filter((n) => renamed.includes(n));
  return { ...exported, bytes, outputNames: order, outputDims: order.map((n) => exported.outputDims[renamed.indexOf(n)]) };
}
