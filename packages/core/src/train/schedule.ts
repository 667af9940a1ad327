import type { TrainConfig } from '../models/msflow/config.js';

/**
 * Learning rate during sub-epoch `subEpoch` (0-based): PyTorch's LinearLR warm-up chained with
 * MultiStepLR, both stepped once per sub-epoch (spec §7). With the paper values: 1e-5, 1.75e-5,
 * …, 9.25e-5, then 1e-4 from sub-epoch 12, 3.3e-5 from 70 and 1.089e-5 from 90.
 *
 * @example
 * ```ts
 * learningRate(presetConfig('paper').train, 70); // 3.3e-5
 * ```
 */
export function learningRate(train: TrainConfig, subEpoch: number): number {
  const s = train.schedule;
  const warm =
    s.warmupSubEpochs > 0
      ? s.warmupStartFactor + ((1 - s.warmupStartFactor) * Math.min(subEpoch, s.warmupSubEpochs)) / s.warmupSubEpochs
      : 1;
  const decays = s.milestones.filter((m) => m <= subEpoch).length;
  return train.lr * warm * Math.pow(s.gamma, decays);
}
