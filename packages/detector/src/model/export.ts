import { resolveBackend, restoreModel, setBackend, getBackend } from '@msflow/core';
import type { exportMSFlowOnnx as ExportMSFlowOnnx } from '@msflow/backend-onnx';
import { DetectorError } from '../errors.js';
import { registerInstalledBackends } from '../plan/backends.js';
import { writeFileAtomicSync as writeFileAtomic } from '@msflow/eval';
import { createFrozenBackbone } from '../backbone/backbone.js';
import { readCheckpoint } from './checkpoint.js';
import { missingThreshold, pickThreshold, type ChosenThreshold, type ThresholdMode } from './thresholds.js';

/** Options of {@link exportCheckpoint}. */
export interface ExportOptions {
  checkpoint: string;
  output: string;
  /** Threshold baked into the `label` output (default `auto`; `none` leaves `label` out). */
  threshold?: ThresholdMode | number | 'none';
  /**
   * Which map becomes `anomaly_map`: `nll` (default: the negative log-likelihood map, one colour
   * scale for all images), or the paper's `add` / `mul`.
   */
  map?: 'nll' | 'add' | 'mul';
}

/**
 * The largest float32 below `x`: ONNX's label is `score > t`, the CLI's is `score >= threshold`,
 * so exporting `t = below(threshold)` gives the same labels.
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
 * Exports a checkpoint with its backbone as one ONNX model: input `image` [N, 3, H, W]
 * (normalised as the backbone expects), outputs `anomaly_map` [N, H, W] (the NLL map by
 * default), `score` [N] (the user-facing score), and with a threshold `normalized_score` [N]
 * (0.5 at the threshold, when the checkpoint stores normal scores) and `label` [N]. Written
 * atomically; the pixel threshold and the colour scale's bottom are in the metadata.
 *
 * @example
 * ```ts
 * const r = await exportCheckpoint({ checkpoint: 'runs/bottle/latest', output: 'bottle.onnx' });
 * ```
 */
export async function exportCheckpoint(o: ExportOptions): Promise<{ path: string; bytes: number; threshold?: ChosenThreshold; dynamicBatch: boolean; inputShape: number[]; preprocess: unknown }> {
  const ckpt = readCheckpoint(o.checkpoint);
  const threshold = o.threshold === 'none' ? undefined : pickThreshold(ckpt.sidecar.cli?.thresholds ?? {}, o.threshold ?? 'auto');
  if (!threshold && o.threshold !== undefined && o.threshold !== 'auto' && o.threshold !== 'none') {
    throw new DetectorError(`--threshold ${o.threshold}: ${ckpt.paths.sidecar}: ${missingThreshold(ckpt.sidecar.cli?.thresholds ?? {}, o.threshold)}`);
  }
  await registerInstalledBackends();
  let onnxMod: { exportMSFlowOnnx: typeof ExportMSFlowOnnx };
  try {
    onnxMod = await import('@msflow/backend-onnx');
  } catch (err) {
    throw new DetectorError(`export needs @msflow/backend-onnx (onnxruntime-node): ${(err as Error).message.split('\n')[0]}`);
  }
  const onnx = await resolveBackend(['onnx']);
  const previous = (() => {
    try {
      return getBackend();
    } catch {
      return undefined;
    }
  })();
  setBackend(onnx);
  const config = ckpt.sidecar.config;
  const model = restoreModel(ckpt);
  const backbone = createFrozenBackbone(ckpt.sidecar.cli?.backbone ?? 'default', config);
  try {
    const exported = await onnxMod.exportMSFlowOnnx({
      backbone,
      model,
      backend: onnx as never,
      map: o.map ?? 'nll',
      score: 'nll',
      threshold: threshold ? float32Below(threshold.value) : undefined,
      normalization: threshold?.normalization,
      metadata: threshold ? exportMetadata(threshold) : {},
    });
    writeFileAtomic(o.output, exported.bytes);
    const [h, w] = config.inputSize;
    return { path: o.output, bytes: exported.bytes.length, threshold, dynamicBatch: exported.dynamicBatch, inputShape: [-1, 3, h, w], preprocess: backbone.preprocess };
  } finally {
    backbone.dispose();
    model.dispose();
    if (previous) setBackend(previous);
  }
}
