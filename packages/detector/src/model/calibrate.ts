import { evaluate, type MSFlowModel } from '@msflow/core';
import type { FeatureExtractor } from '../backbone/extractor.js';
import { openSplit } from '../data/dataset.js';
import { splitIndices } from '../data/features.js';
import { DetectorError } from '../errors.js';
import type { LoadedCheckpoint } from './checkpoint.js';
import { normalThreshold, type NormalThreshold } from './thresholds.js';

/**
 * Chooses a checkpoint's normal-image threshold again, at another false-positive rate, on the
 * images its training held out (the recorded dataset and split, drawn again from the seed), or
 * on its training images when it held none out. Reads only normal images: no test image, no label.
 *
 * @example
 * ```ts
 * const normal = await recalibrate(ckpt, model, fx, 0.05);
 * updateCliInfo(ckpt.paths, (cli) => ({ ...cli, thresholds: { ...cli.thresholds, normal } }));
 * ```
 */
export async function recalibrate(
  ckpt: LoadedCheckpoint,
  model: MSFlowModel,
  fx: FeatureExtractor,
  fpr: number,
  onProgress?: (done: number, total: number) => void,
): Promise<NormalThreshold> {
  const cli = ckpt.sidecar.cli;
  if (!cli?.dataset) throw new DetectorError(`${ckpt.paths.sidecar}: the checkpoint does not record its training images, so --fpr cannot find its normal images`);
  const config = ckpt.sidecar.config;
  const train = openSplit(cli.dataset, 'train', { size: config.inputSize });
  const split = splitIndices(train.length, cli.split?.valSplit ?? 0, config.seed);
  const held = split.validation.length > 0;
  const normal = held ? train.subset(split.validation) : train;
  if (normal.length < 2) throw new DetectorError(`${ckpt.paths.sidecar}: ${normal.length} normal image(s) to choose a threshold on; at least 2 are needed`);
  const set = await fx.extract(normal, { onProgress });
  return normalThreshold(await evaluate(model, set.features), fpr, held ? 'validation' : 'train');
}
