import { dispose, tidy } from '../engine/engine.js';
import { featureBatch, featureSource, type FeatureSet, type FeatureSource } from '../msflow/features.js';
import type { MSFlowModel } from '../msflow/model.js';
import { lossPerDimension, nllPerImage } from './loss.js';

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
 * on the active backend, in batches. Rising while the training loss falls is the sign that the
 * flows fit the training images rather than the class, which on small classes (tire: 210
 * images) is when the anomaly maps stop improving.
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
  const dims = source.shapes.reduce((n, [h, w, c]) => n + h * w * c, 0);
  let total = 0;
  for (let start = 0; start < source.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, source.count - start) }, (_, i) => start + i);
    const batch = await featureBatch(source, indices);
    try {
      const perImage = tidy(() => {
        const { z, logDet } = model.forward(batch);
        return nllPerImage(z, logDet);
      });
      try {
        for (const v of await perImage.data()) total += v;
      } finally {
        perImage.dispose();
      }
    } finally {
      dispose(batch);
    }
  }
  const loss = total / source.count;
  return { loss, lossPerDim: lossPerDimension(loss, dims), images: source.count };
}
