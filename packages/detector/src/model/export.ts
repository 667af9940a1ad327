import { basename } from 'node:path';
import { MSFlowModel, resolveBackend } from '@msflow/core';
import type * as OnnxNamespace from '@msflow/backend-onnx';
import { writeFileAtomicSync } from '@msflow/data';
import { createFrozenBackbone } from '../backbone/backbone.js';
import { DetectorError } from '../errors.js';
import { onBackend, registerInstalledBackends } from '../plan/backends.js';
import type { DetectorParts } from '../run/fit.js';
import { missingThreshold, pickThreshold, type ChosenThreshold, type ThresholdMode } from './thresholds.js';
import { writeTritonModel } from './triton.js';

/** Options of `Detector.export`. */
export interface ExportOptions {
  /** Threshold baked into the `label` output: a number, `fpr` / `auto` (default: the one chosen on normal images), `f1`, or `none` (no `label`). */
  threshold?: ThresholdMode | number | 'none';
  /**
   * Which map becomes `map`: `nll` (default: the negative log-likelihood map, one colour scale
   * for all images), or the paper's `add` / `mul`.
   */
  map?: 'nll' | 'add' | 'mul';
  /** Also write a Triton model repository here: `<triton>/<name>/config.pbtxt` and `<name>/1/model.onnx`. */
  triton?: string;
  /** The model's name in the Triton repository (default: the file name without `.onnx`). */
  name?: string;
}

/** What `Detector.export` wrote. */
export interface ExportResult {
  path: string;
  bytes: number;
  /** The threshold baked into `label` (absent: no `label` output). */
  threshold?: ChosenThreshold;
  /** Whether one graph serves every batch size. */
  dynamicBatch: boolean;
  /** The graph's interface: names, element types and shapes (`N`: the batch). */
  inputs: { name: string; type: 'uint8'; shape: (number | 'N')[] }[];
  outputs: { name: string; type: 'float32' | 'uint8'; shape: (number | 'N')[] }[];
  /** The Triton files, with `triton`. */
  triton?: { config: string; model: string };
}

/**
 * The largest float32 below `x`: ONNX's label is `score > t`, the library's is `score >=
 * threshold`, so exporting `t = below(threshold)` gives the same labels.
 */
export function float32Below(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer);
  if (f[0] === 0) return -1.401298464324817e-45;
  u[0] += f[0] > 0 ? -1 : 1;
  return f[0];
}

/** What a deployment needs beside the graph: how the threshold came about, the pixel threshold and the colour scale. */
function exportMetadata(t: ChosenThreshold): Record<string, string> {
  return {
    'msflow.threshold_source': t.from,
    'msflow.threshold_inclusive': String(t.value),
    ...(t.pixel ? { 'msflow.pixel_threshold': String(t.pixel.threshold), 'msflow.map_low': String(t.pixel.low) } : {}),
  };
}

/**
 * Exports a detector (backbone, flows, scoring, threshold) as one ONNX model a deployment can
 * feed directly: input `image`, uint8 RGB [N, H, W, 3] at the model's size, with the backbone's
 * preprocessing inside; outputs `score` float32 [N] (the user-facing score), with a threshold
 * `normalized_score` float32 [N] (0.5 at the threshold, when the detector stores normal scores)
 * and `label` uint8 [N] (1 when score >= the threshold), and `map` float32 [N, H, W] (the NLL
 * map by default). Written atomically; the pixel threshold and the colour scale's bottom are in
 * the metadata; with `triton`, also a ready Triton model repository entry.
 *
 * @example
 * ```ts
 * const r = await exportDetector(parts, 'bottle.onnx', { triton: 'model_repository' });
 * ```
 */
export async function exportDetector(parts: DetectorParts, file: string, o: ExportOptions = {}): Promise<ExportResult> {
  const stored = parts.info.thresholds;
  const threshold = o.threshold === 'none' ? undefined : pickThreshold(stored, o.threshold ?? 'auto');
  if (!threshold && o.threshold !== undefined && o.threshold !== 'auto' && o.threshold !== 'none') {
    throw new DetectorError(`the detector: ${missingThreshold(stored, o.threshold)}`, { option: 'threshold', value: String(o.threshold) });
  }
  let onnxMod: typeof OnnxNamespace;
  try {
    onnxMod = await import('@msflow/backend-onnx');
  } catch (err) {
    throw new DetectorError(`export needs @msflow/backend-onnx (onnxruntime-node): ${(err as Error).message.split('\n')[0]}`);
  }
  await registerInstalledBackends();
  const onnx = await resolveBackend(['onnx']);
  const { model: trained, info } = parts;
  const arrays = await trained.paramArrays();
  const config = trained.config;
  // Tracing needs the parameters on the onnx backend: a copy of the model there.
  const { model, backbone } = onBackend(onnx, () => ({ model: MSFlowModel.fromArrays(config, trained.permutations, arrays, trained.rngState), backbone: createFrozenBackbone(info.backbone, config) }));
  try {
    const exported = await onBackend(onnx, () =>
      onnxMod.exportMSFlowOnnx({
        backbone,
        model,
        backend: onnx as never,
        map: o.map ?? 'nll',
        score: 'nll',
        images: 'rgb8',
        threshold: threshold ? float32Below(threshold.value) : undefined,
        normalization: threshold?.normalization,
        metadata: threshold ? exportMetadata(threshold) : {},
      }),
    );
    writeFileAtomicSync(file, exported.bytes);
    const [h, w] = config.inputSize;
    const n = exported.dynamicBatch ? ('N' as const) : 1;
    const result: ExportResult = {
      path: file,
      bytes: exported.bytes.length,
      ...(threshold ? { threshold } : {}),
      dynamicBatch: exported.dynamicBatch,
      inputs: [{ name: 'image', type: 'uint8', shape: [n, h, w, 3] }],
      outputs: [
        { name: 'score', type: 'float32', shape: [n] },
        ...(threshold?.normalization ? [{ name: 'normalized_score', type: 'float32' as const, shape: [n] }] : []),
        ...(threshold ? [{ name: 'label', type: 'uint8' as const, shape: [n] }] : []),
        { name: 'map', type: 'float32', shape: [n, h, w] },
      ],
    };
    if (o.triton) {
      const name = o.name ?? basename(file).replace(/\.onnx$/i, '');
      result.triton = writeTritonModel(o.triton, { name, size: [h, w], dynamicBatch: exported.dynamicBatch, label: threshold !== undefined, normalizedScore: threshold?.normalization !== undefined }, exported.bytes);
    }
    return result;
  } finally {
    onBackend(onnx, () => {
      backbone.dispose();
      model.dispose();
    });
  }
}
