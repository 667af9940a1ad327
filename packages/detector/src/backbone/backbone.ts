import { architecture, ConfigError, createBackbone, PRESETS, presetConfig, randomBackboneWeights, Rng, type Backbone, type ConfigOverrides, type MSFlowConfig } from '@msflow/core';
import { DEFAULT_BACKBONE, loadBackbone } from '@msflow/data';
import { DetectorError, UsageError } from '../errors.js';

/**
 * `backbone` values: `default` (the built-in pretrained Keras ResNet-50 from the package
 * `@msflow/backbone-resnet50`), `random` (the preset's architecture with seeded random weights,
 * for tests), or a weight file (.onnx, .safetensors, tfjs model.json).
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
    throw new UsageError(`${backbone.id} gives taps with [${got.join(',')}] channels, the model config expects [${config.channels.join(',')}]`, { option: 'backbone' });
  }
  return backbone;
}

/** The channels of the built-in backbone's three taps. */
const DEFAULT_CHANNELS = [256, 512, 1024];

/**
 * The model config of a preset with overrides and a backbone choice: validated, and recording
 * the backbone architecture the features will come from (so a checkpoint's features can be
 * reproduced). Unknown presets, invalid overrides and a preset the built-in backbone cannot feed
 * are usage errors naming the option.
 *
 * @example
 * ```ts
 * const config = resolveModelConfig('cpu', { inputSize: [128, 128], seed: 0 }, 'default');
 * config.backbone; // 'keras_resnet50'
 * ```
 */
export function resolveModelConfig(preset: string, overrides: ConfigOverrides, backbone: BackboneChoice): MSFlowConfig {
  if (!PRESETS[preset]) throw new UsageError(`unknown preset '${preset}' (known: ${Object.keys(PRESETS).join(', ')})`, { option: 'preset' });
  let config: MSFlowConfig;
  try {
    config = presetConfig(preset, overrides);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, { option: 'config' });
    throw err;
  }
  const id = backboneIdentity(backbone, config);
  config = { ...config, backbone: id.id, backbonePadding: id.padding };
  if (backbone === 'default' && JSON.stringify(config.channels) !== JSON.stringify(DEFAULT_CHANNELS)) {
    throw new UsageError(`the built-in backbone gives ${DEFAULT_CHANNELS.join('/')} channels, preset ${preset} needs [${config.channels.join(',')}]; pass a weights file for ${config.backbone}, or random`, { option: 'backbone' });
  }
  return config;
}

/**
 * Checks that a backbone gives the features a checkpoint was trained on; `source` names the
 * checkpoint in the message.
 */
export function checkBackboneFits(backbone: Backbone, config: MSFlowConfig, source: string): void {
  const spec = backbone.spec;
  if (spec.id !== config.backbone || spec.padMode !== config.backbonePadding) {
    throw new DetectorError(`${source}: checkpoint was trained on ${config.backbone}/${config.backbonePadding} features, the backbone gives ${spec.id}/${spec.padMode}`);
  }
}
