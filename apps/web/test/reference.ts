import { presetConfig, type MSFlowConfig } from '@msflow/core';
import { DEFAULT_BACKBONE } from '@msflow/data';
import { Detector } from '@msflow/detector';
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
 * The losses of `msflow train`'s path in Node on the images of `folder` (the library's fit, as
 * the CLI runs it: images listed sorted, a fifth held out for the threshold, the default
 * backbone, the traced onnxruntime-node trainer).
 */
export async function nodeTracedLosses(folder: string, config: MSFlowConfig): Promise<number[]> {
  const losses: number[] = [];
  const { train } = config;
  const d = await Detector.fit({
    train: folder,
    preset: 'cpu',
    config: { inputSize: config.inputSize, train: { metaEpochs: train.metaEpochs, subEpochs: train.subEpochs, batchSize: train.batchSize } },
    seed: config.seed,
    trainer: 'traced',
    evaluate: false,
    featureCache: 'memory',
    onProgress: (e) => void (e.type === 'step' && losses.push(e.loss)),
  });
  await d.dispose();
  return losses;
}
