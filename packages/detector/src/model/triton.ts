import { join } from 'node:path';
import { writeFileAtomicSync } from '@msflow/data';

/** What a Triton model folder describes. */
export interface TritonModel {
  /** The model's name: its folder in the repository. */
  name: string;
  /** Model input height and width. */
  size: [number, number];
  /** Whether the graph takes any batch size (else it was exported for batch 1). */
  dynamicBatch: boolean;
  /** Whether the graph has a `label` output. */
  label: boolean;
  /** Whether the graph has a `normalized_score` output. */
  normalizedScore?: boolean;
  /** Largest batch Triton may form (dynamic batching). */
  maxBatchSize?: number;
}

/**
 * The `config.pbtxt` of an exported detector for NVIDIA Triton Inference Server's onnxruntime
 * backend: input `image` uint8 [H, W, 3], outputs `score` (fp32), `normalized_score` (fp32, when
 * there is one), `label` (uint8) and `map` (fp32 [H, W]), per image, batched by Triton. Per-image scalars are declared `dims: [ 1 ]` with
 * `reshape: { shape: [ ] }`, because the graph's outputs are [N], not [N, 1].
 *
 * @example
 * ```ts
 * tritonConfig({ name: 'bottle', size: [256, 256], dynamicBatch: true, label: true });
 * ```
 */
export function tritonConfig(m: TritonModel): string {
  const [h, w] = m.size;
  const batched = m.dynamicBatch;
  const dims = (d: number[]) => `[ ${(batched ? d : [1, ...d]).join(', ')} ]`;
  const scalar = batched ? 'dims: [ 1 ]\n    reshape: { shape: [ ] }' : 'dims: [ 1 ]';
  const outputs = [
    `  {\n    name: "score"\n    data_type: TYPE_FP32\n    ${scalar}\n  }`,
    ...(m.normalizedScore ? [`  {\n    name: "normalized_score"\n    data_type: TYPE_FP32\n    ${scalar}\n  }`] : []),
    ...(m.label ? [`  {\n    name: "label"\n    data_type: TYPE_UINT8\n    ${scalar}\n  }`] : []),
    `  {\n    name: "map"\n    data_type: TYPE_FP32\n    dims: ${dims([h, w])}\n  }`,
  ];
  return [
    `# MSFlow anomaly detector exported by msflow-ts. Input: uint8 RGB images at ${h}x${w}; preprocessing is inside the graph.`,
    `name: "${m.name}"`,
    'backend: "onnxruntime"',
    `max_batch_size: ${batched ? (m.maxBatchSize ?? 8) : 0}`,
    'input [',
    `  {\n    name: "image"\n    data_type: TYPE_UINT8\n    dims: ${dims([h, w, 3])}\n  }`,
    ']',
    'output [',
    outputs.join(',\n'),
    ']',
    ...(batched ? ['dynamic_batching { }'] : []),
    '',
  ].join('\n');
}

/**
 * Writes a Triton model repository entry: `<repository>/<name>/config.pbtxt` and
 * `<repository>/<name>/1/model.onnx`, each atomically.
 *
 * @example
 * ```ts
 * writeTritonModel('model_repository', { name: 'bottle', size: [256, 256], dynamicBatch: true, label: true }, bytes);
 * ```
 */
export function writeTritonModel(repository: string, m: TritonModel, onnx: Uint8Array): { config: string; model: string } {
  const dir = join(repository, m.name);
  const files = { config: join(dir, 'config.pbtxt'), model: join(dir, '1', 'model.onnx') };
  writeFileAtomicSync(files.model, onnx);
  writeFileAtomicSync(files.config, tritonConfig(m));
  return files;
}
