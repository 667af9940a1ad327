import { MSFlowModel, presetConfig, Trainer, type MSFlowConfig } from '@msflow/core';
import { tracedTrainStepper } from '@msflow/backend-onnx';
import { DEFAULT_BACKBONE } from '@msflow/eval';
import { DEFAULT_VAL_SPLIT, FeatureExtractor, imagesDataset, normalSplit, subsetFeatures, useBackend } from '@msflow/detector';
import type { TrainForm } from './train_page.js';

/**
 * The configuration `msflow train --preset cpu --size <s> --epochs <e> --sub-epochs <k>
 * --batch-size <b> --seed <n>` trains with the default backbone (what the page must record too).
 */
export function cliConfig(f: TrainForm): MSFlowConfig {
  const config = presetConfig('cpu', { inputSize: [f.size, f.size], seed: f.seed, train: { metaEpochs: f.epochs, subEpochs: f.passes, batchSize: f.batch } });
  return { ...config, backbone: DEFAULT_BACKBONE.arch, backbonePadding: 'zeros' };
}

/**
 * The losses of `msflow train`'s path in Node on the images of `folder` (sorted, as the CLI
 * lists them, a fifth held out for the threshold): default backbone on onnxruntime-node, then
 * the traced onnxruntime-node trainer.
 */
export async function nodeTracedLosses(folder: string, config: MSFlowConfig): Promise<number[]> {
  await useBackend('auto');
  const fx = await FeatureExtractor.open('default', config);
  let features;
  try {
    features = (await fx.extract(imagesDataset([folder], { size: config.inputSize }))).features;
  } finally {
    await fx.dispose();
  }
  const split = normalSplit(features.count, DEFAULT_VAL_SPLIT, config.seed, false);
  if (split.validation.length) features = subsetFeatures(features, split.train);
  const model = MSFlowModel.create(config);
  const trainer = new Trainer(model, undefined, { stepper: tracedTrainStepper() });
  const losses: number[] = [];
  try {
    await trainer.run(features, { onProgress: (e) => void (e.type === 'step' && losses.push(e.loss)) });
  } finally {
    await trainer.dispose();
    model.dispose();
  }
  return losses;
}
