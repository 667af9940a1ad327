import { serializeCheckpoint, type MSFlowModel } from '@msflow/core';

/** The normal-score quantile `msflow train` stores as its threshold when there are no labelled images. */
export const THRESHOLD_QUANTILE = 0.99;

/**
 * The `q` quantile of `scores`, interpolated linearly (numpy's default), as `msflow train`
 * computes its normal-only threshold.
 */
export function scoreQuantile(scores: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(scores).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** The two files of a checkpoint, as `msflow train` writes them. */
export interface CheckpointFiles {
  /** `model.json`: core's sidecar plus the CLI's part (backbone choice, thresholds). */
  json: string;
  /** `model.safetensors`. */
  weights: Uint8Array;
}

/**
 * The trained model as `msflow train`'s checkpoint pair, readable unchanged by `msflow predict`,
 * `msflow test` and `msflow serve`: weights without the optimizer state (the page does not
 * resume runs), the backbone choice under `cli.backbone` and the quantile threshold of the
 * training images' scores.
 */
export async function checkpointFiles(
  model: MSFlowModel,
  o: { preset: string; runtime: string; backbone: string; trainScores: Float32Array },
): Promise<CheckpointFiles & { threshold: number }> {
  const { weights, sidecar } = await serializeCheckpoint(model, { preset: o.preset, backend: o.runtime, backboneWeights: o.backbone });
  const threshold = scoreQuantile(o.trainScores, THRESHOLD_QUANTILE);
  const cli = {
    backbone: o.backbone,
    thresholds: { quantile: { value: threshold, q: THRESHOLD_QUANTILE, source: 'train', images: o.trainScores.length } },
    split: { valSplit: 0, quantile: THRESHOLD_QUANTILE },
  };
  return { weights, json: JSON.stringify({ ...sidecar, cli }, null, 1) + '\n', threshold };
}
