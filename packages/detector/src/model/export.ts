import { resolveBackend, restoreModel, setBackend, getBackend } from '@msflow/core';
import type { exportMSFlowOnnx as ExportMSFlowOnnx } from '@msflow/backend-onnx';
import { DetectorError } from '../errors.js';
import { registerInstalledBackends } from '../plan/backends.js';
import { writeFileAtomicSync as writeFileAtomic } from '@msflow/eval';
import { createFrozenBackbone } from '../backbone/backbone.js';
import { readCheckpoint } from './checkpoint.js';
import { pickThreshold, type ThresholdMode } from './thresholds.js';

/** Options of {@link exportCheckpoint}. */
export interface ExportOptions {
  checkpoint: string;
  output: string;
  /** Threshold baked into the `label` output (default `auto`; `none` leaves `label` out). */
  threshold?: ThresholdMode | number | 'none';
  /** Which map becomes `anomaly_map`: `add` (default) or `mul`. */
  map?: 'add' | 'mul';
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

/**
 * Exports a checkpoint with its backbone as one ONNX model: input `image` [N, 3, H, W]
 * (normalised as the backbone expects), outputs `anomaly_map` [N, H, W], `score` [N] and
 * `label` [N] (the threshold baked in). Written atomically.
 *
 * @example
 * ```ts
 * const r = await exportCheckpoint({ checkpoint: 'runs/bottle/latest', output: 'bottle.onnx' });
 * ```
 */
export async function exportCheckpoint(o: ExportOptions): Promise<{ path: string; bytes: number; threshold?: { value: number; from: string }; dynamicBatch: boolean; inputShape: number[]; preprocess: unknown }> {
  const ckpt = readCheckpoint(o.checkpoint);
  const threshold = o.threshold === 'none' ? undefined : pickThreshold(ckpt.sidecar.cli?.thresholds ?? {}, o.threshold ?? 'auto');
  if (!threshold && o.threshold !== undefined && o.threshold !== 'auto' && o.threshold !== 'none') {
    throw new DetectorError(`--threshold ${o.threshold}: ${ckpt.paths.sidecar} holds no such threshold (run msflow test, or pass a number)`);
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
      map: o.map,
      threshold: threshold ? float32Below(threshold.value) : undefined,
      metadata: threshold ? { 'msflow.threshold_source': threshold.from, 'msflow.threshold_inclusive': String(threshold.value) } : {},
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
