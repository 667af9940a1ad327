import { serializeCheckpoint, type MSFlowModel } from '@msflow/core';
import type { NormalThreshold } from '@msflow/detector/browser';

/** The two files of a checkpoint, as `msflow train` writes them. */
export interface CheckpointFiles {
  /** `model.json`: core's sidecar plus the CLI's part (backbone choice, thresholds, split), sealed. */
  json: string;
  /** `model.safetensors`. */
  weights: Uint8Array;
}

/**
 * The trained model as `msflow train`'s checkpoint pair, read unchanged by `msflow predict`,
 * `msflow test`, `msflow serve` and this page's Score mode: weights without the optimizer
 * state (the page does not resume runs), and under `cli` the backbone choice, the normal-image
 * threshold and the split it came from.
 */
export async function checkpointFiles(model: MSFlowModel, o: { preset: string; runtime: string; backbone: string; normal: NormalThreshold; valSplit: number }): Promise<CheckpointFiles> {
  const cli = { backbone: o.backbone, thresholds: { normal: o.normal }, split: { valSplit: o.valSplit, fpr: o.normal.targetFpr } };
  const { weights, sidecar } = await serializeCheckpoint(model, { preset: o.preset, backend: o.runtime, backboneWeights: o.backbone, extra: { cli } });
  return { weights, json: JSON.stringify(sidecar, null, 1) + '\n' };
}
