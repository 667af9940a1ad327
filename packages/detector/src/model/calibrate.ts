import { assertFiniteScores, type EvaluationOutput, type MSFlowConfig } from '@msflow/core';
import type { ExtractedSet, ImageSource } from '../backbone/extractor.js';
import { openSplit } from '../data/dataset.js';
import { splitIndices } from '../data/features.js';
import { DetectorError } from '../errors.js';
import type { CliSidecarInfo } from './checkpoint.js';
import { normalThreshold, type NormalThreshold } from './thresholds.js';

/**
 * The normal images a detector's training held out (its recorded dataset and split, drawn again
 * from the seed), or its training images when it held none out: what a threshold is chosen on
 * again (`Detector.calibrate`, `msflow test --fpr`). No test image, no label.
 *
 * @example
 * ```ts
 * const { images, held } = heldOutNormals(sidecar.cli, sidecar.config, 'runs/bottle/latest/model.json');
 * ```
 */
export function heldOutNormals(info: CliSidecarInfo, config: MSFlowConfig, source: string): { images: ImageSource; held: boolean } {
  if (!info.dataset) throw new DetectorError(`${source}: the checkpoint does not record its training images, so a threshold cannot be chosen on its normal images`, { option: 'fpr' });
  const train = openSplit(info.dataset, 'train', { size: config.inputSize });
  const split = splitIndices(train.length, info.split?.valSplit ?? 0, config.seed);
  const held = split.validation.length > 0;
  const images = held ? train.subset(split.validation) : train;
  if (images.length < 2) throw new DetectorError(`${source}: ${images.length} normal image(s) to choose a threshold on; at least 2 are needed`, { option: 'fpr' });
  return { images, held };
}

/**
 * Chooses the normal-image threshold again at false-positive rate `fpr` on {@link heldOutNormals}:
 * `extract` runs them through the backbone, `score` scores them (with maps). No test image, no
 * label is read.
 *
 * @example
 * ```ts
 * const normal = await recalibrate(sidecar.cli, sidecar.config, 'model.json', 0.05, { extract: (s) => fx.extract(s), score: (f) => evaluate(model, f) });
 * ```
 */
export async function recalibrate(
  info: CliSidecarInfo,
  config: MSFlowConfig,
  source: string,
  fpr: number,
  run: { extract(images: ImageSource): Promise<ExtractedSet>; score(features: ExtractedSet['features']): Promise<EvaluationOutput> },
): Promise<NormalThreshold> {
  const { images, held } = heldOutNormals(info, config, source);
  const set = await run.extract(images);
  const out = await run.score(set.features);
  assertFiniteScores(out.nllScores, set.paths, source);
  return normalThreshold(out, fpr, held ? 'validation' : 'train');
}
