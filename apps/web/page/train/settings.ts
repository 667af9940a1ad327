import { architecture, presetConfig, type MSFlowConfig, type PadMode } from '@msflow/core';
import { PageError } from '../errors.js';

/** What the Train form sets; everything else comes from the preset, as in `msflow train`. */
export interface TrainSettings {
  /** A core preset (`cpu` unless changed). */
  preset: string;
  /** Square input size, a multiple of 32 (the backbone's deepest pooled stride). */
  size: number;
  /** Meta-epochs and passes per meta-epoch (`--epochs`, `--sub-epochs`). */
  epochs: number;
  subEpochs: number;
  batchSize: number;
  seed: number;
}

/** The backbone the features come from, and where its folded weights are. */
export interface BackboneSource {
  arch: string;
  padMode: PadMode;
  /** For the status line and the checkpoint's `backbone.weights`. */
  source: string;
  /** What the checkpoint records as `cli.backbone`: `default` for the built-in one, so `msflow predict` rebuilds it. */
  choice: string;
  /** An absolute URL (`msflow serve`'s `api/train/backbone.safetensors`), or a picked file. */
  url?: string;
  file?: File;
}

/** The Train form's defaults: the `cpu` preset at the demo's 128 px, 2 x 2 passes, batch 8 (as `msflow demo`). */
export const DEFAULT_SETTINGS: TrainSettings = { preset: 'cpu', size: 128, epochs: 2, subEpochs: 2, batchSize: 8, seed: 0 };

/** Fewest normal images the page trains on: fewer give a threshold from too few scores. */
export const MIN_TRAIN_IMAGES = 8;

/**
 * The model configuration `msflow train --preset <p> --size <s> --epochs <e> --sub-epochs <k>
 * --batch-size <b> --seed <n>` builds for this backbone (the learning-rate schedule scaled to the
 * run's length), so the page and the CLI train the same model from the same seed.
 */
export function trainConfig(s: TrainSettings, backbone: Pick<BackboneSource, 'arch' | 'padMode'>): MSFlowConfig {
  if (!(s.size >= 32 && s.size % 32 === 0)) throw new PageError('image', `input size ${s.size}: expected a multiple of 32 (the backbone's deepest pooled stride)`);
  for (const [k, v] of [['epochs', s.epochs], ['passes per epoch', s.subEpochs], ['batch size', s.batchSize]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new PageError('image', `${k}: expected a whole number of at least 1, got ${v}`);
  }
  let config: MSFlowConfig;
  try {
    config = presetConfig(s.preset, { inputSize: [s.size, s.size], seed: s.seed, train: { metaEpochs: s.epochs, subEpochs: s.subEpochs, batchSize: s.batchSize } });
  } catch (err) {
    throw new PageError('image', `preset ${s.preset}: ${(err as Error).message}`);
  }
  const spec = architecture(backbone.arch, { padMode: backbone.padMode });
  return { ...config, backbone: spec.id, backbonePadding: spec.padMode };
}

/** Total optimizer steps of a run on `images` training images. */
export function totalSteps(config: MSFlowConfig, images: number): number {
  const t = config.train;
  return t.metaEpochs * t.subEpochs * Math.ceil(images / t.batchSize);
}
