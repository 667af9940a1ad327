import { dispose, tidy } from '../engine/engine.js';
import { elementsPerImage, featureBatch, featureSource, type FeatureSet, type FeatureSource } from '../models/msflow/features.js';
import type { MSFlowModel } from '../models/msflow/model.js';
import type { Tensor } from '../tensor/tensor.js';
import { lossPerDimension, nllPerImage } from '../models/msflow/loss.js';

/** The training loss measured on images the optimizer never sees. */
export interface ValidationLoss {
  /** Mean per-image NLL (the training loss's definition, spec §5). */
  loss: number;
  /** The same in nats per latent element, comparable with the training log's `loss/dim`. */
  lossPerDim: number;
  images: number;
}

/**
 * The NLL of held-out normal images under the model's current parameters: forward passes only,
 * on the active backend, in batches. Rising while the training loss falls means the flows fit
 * the training images rather than the class. Falling is no promise of better anomaly maps: on
 * tire (apps/bench/results/accuracy) it fell every meta-epoch while pixel AUROC dropped.
 *
 * @example
 * ```ts
 * const { lossPerDim } = await validationLoss(model, heldOut, 8);
 * ```
 */
export async function validationLoss(model: MSFlowModel, features: FeatureSet | FeatureSource, batchSize: number): Promise<ValidationLoss> {
  const source = featureSource(features);
  if (source.count < 1) throw new Error('validationLoss: no images');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`validationLoss: batchSize must be an integer >= 1, got ${batchSize}`);
  let total = 0;
  for (let start = 0; start < source.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, source.count - start) }, (_, i) => start + i);
    const batch = await featureBatch(source, indices);
    let perImage: Tensor | undefined;
    try {
      perImage = tidy(() => {
        const { z, logDet } = model.forward(batch);
        return nllPerImage(z, logDet);
      });
      for (const v of await perImage.data()) total += v;
    } finally {
      dispose([batch, perImage]);
    }
  }
  const loss = total / source.count;
  return { loss, lossPerDim: lossPerDimension(loss, elementsPerImage(source)), images: source.count };
}
