/**
 * The MSFlow model and training configuration: plain JSON-able objects, so a config can be
 * written to a checkpoint sidecar or a run file and read back unchanged.
 */

import { describeUnknownKeys, unknownConfigKeys } from './config_keys.js';

/** Post-processing of every backbone tap before the flows: 3x3/stride-2/pad-1 average pool (MSFlow), max pool, or none. */
export type FeaturePool = 'avg' | 'max' | 'none';

/**
 * Learning-rate schedule, stepped once per sub-epoch (spec §7): a linear warm-up from
 * `warmupStartFactor`·lr to lr over `warmupSubEpochs`, times `gamma` at each milestone reached.
 */
export interface ScheduleConfig {
  warmupStartFactor: number;
  warmupSubEpochs: number;
  /** Sub-epoch indices at which the rate is multiplied by `gamma`. */
  milestones: number[];
  gamma: number;
}

/** Optimisation settings (spec §5, §7). */
export interface TrainConfig {
  /** Evaluation happens after each meta-epoch. */
  metaEpochs: number;
  /** Passes over the training set per meta-epoch. */
  subEpochs: number;
  batchSize: number;
  /** Adam base learning rate. */
  lr: number;
  betas: [number, number];
  eps: number;
  /** Maximum global L2 norm of the gradient (clip_grad_norm_). */
  clipNorm: number;
  schedule: ScheduleConfig;
  /**
   * Largest random translation of a training image, as a fraction of the input's height and
   * width (edge pixels repeated into the border), drawn afresh from the seed every meta-epoch;
   * absent or 0: none, as the paper. Feature extraction applies it (the CLI's training pipeline
   * re-runs the backbone on shifted images each meta-epoch): the Trainer itself only sees
   * features. Where test objects sit a few pixels off the training images' placement, the coarse
   * scales (receptive fields spanning the image, zero-padded) score the placement itself.
   */
  translate?: number;
}

/** Everything that defines an MSFlow model and its training run. */
export interface MSFlowConfig {
  /** Backbone id the features come from (recorded in checkpoints; the flows only see channels). */
  backbone: string;
  /** Padding of the backbone's padded convolutions (MSFlow's WRN: reflect); recorded so features can be reproduced. */
  backbonePadding: 'zeros' | 'reflect';
  /** Channels of each tap, fine to coarse (WRN-50-2: 256, 512, 1024). Each must be even. */
  channels: number[];
  /** Stride of each tap relative to the input, before the pool (ResNets: 4, 8, 16). */
  strides: number[];
  /** AllInOne blocks of each scale's parallel flow (paper: 2, 5, 8). */
  blocks: number[];
  /** Soft-clamp α of the AllInOne blocks. */
  clamp: number;
  /** Soft-clamp α of the fusion coupling. */
  fusionClamp: number;
  /** Positional-encoding channels fed to every AllInOne block (a multiple of 4; 0 disables). */
  condChannels: number;
  /** Network input [height, width]; maps are scored at this size. */
  inputSize: [number, number];
  pool: FeaturePool;
  /** Seeds the one generator behind permutations, initialisation and shuffling. */
  seed: number;
  /** Fraction of pixels averaged for the image score (top-k mean of the multiplicative map). */
  topK: number;
  /**
   * Scales (indices, fine to coarse) whose log-likelihood maps make up both anomaly maps and so
   * the image score; absent means all of them, as the paper. Every scale is still trained and
   * takes part in the fusion: this only chooses which latents are read at test time. At small
   * inputs the coarsest latent is a few pixels across (8x8 at 256 px), and up-sampled it smears
   * a defect over a large part of the map.
   */
  mapScales?: number[];
  /**
   * Gaussian σ, in input pixels, of the smoothing applied to every anomaly map (and so to the
   * image scores taken from them); absent or 0: none, as the paper (its code smooths nothing).
   * Why: a map up-sampled from latents 8-16x coarser than the input carries blocky seams that a
   * small blur removes; PatchCore-style baselines (our kNN included) smooth with σ = 4.
   */
  mapSigma?: number;
  train: TrainConfig;
}

/**
 * Upper bounds of a config's sizes: far above the paper's model (512 px, [256, 512, 1024]
 * channels, [2, 5, 8] blocks), low enough that a corrupt or hostile config cannot ask for more
 * memory than a machine has.
 */
export const CONFIG_LIMITS = { inputSide: 4096, scales: 8, channels: 8192, blocks: 64, stride: 1024, condChannels: 1024, mapSigma: 64 } as const;

/**
 * Whether `v` is a valid {@link MSFlowConfig.mapSigma}: finite pixels in [0, CONFIG_LIMITS.mapSigma].
 * The one range check of the field (config validation and load-time overrides both use it).
 *
 * @example
 * ```ts
 * isMapSigma(8); // true
 * isMapSigma(-1); // false
 * ```
 */
export function isMapSigma(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= CONFIG_LIMITS.mapSigma;
}

/** Thrown for an invalid configuration; lists every problem found. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const posInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
const finitePos = (v: unknown): boolean => Number.isFinite(v) && (v as number) > 0;

/**
 * Checks a configuration and throws a {@link ConfigError} naming every problem: values, sizes
 * within {@link CONFIG_LIMITS}, and keys the schema does not have (with the nearest valid one).
 *
 * @example
 * ```ts
 * validateConfig({ ...presetConfig('cpu'), blocks: [1, 1] }); // throws: blocks has 2 entries, channels 3
 * ```
 */
export function validateConfig(config: MSFlowConfig): void {
  const problems: string[] = [];
  const bad = (cond: boolean, msg: string) => {
    if (cond) problems.push(msg);
  };
  const c = config;
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new ConfigError('invalid MSFlow config: not an object of settings');
  problems.push(...describeUnknownKeys(unknownConfigKeys(c)));
  const scales = Array.isArray(c.channels) ? c.channels.length : 0;
  bad(typeof c.backbone !== 'string' || c.backbone.length === 0, 'backbone must be a non-empty id');
  bad(c.backbonePadding !== 'zeros' && c.backbonePadding !== 'reflect', `backbonePadding must be zeros or reflect, got ${c.backbonePadding}`);
  bad(scales < 1 || scales > CONFIG_LIMITS.scales, `channels must list 1 to ${CONFIG_LIMITS.scales} scales`);
  const max = { channels: CONFIG_LIMITS.channels, strides: CONFIG_LIMITS.stride, blocks: CONFIG_LIMITS.blocks };
  for (const key of ['channels', 'strides', 'blocks'] as const) {
    const v = c[key];
    if (!Array.isArray(v) || v.length !== scales) problems.push(`${key} must have ${scales} entries (one per scale)`);
    else if (!v.every(posInt)) problems.push(`${key} must be positive integers, got [${v.join(',')}]`);
    else if (v.some((n) => n > max[key])) problems.push(`${key} must be at most ${max[key]} each, got [${v.join(',')}]`);
  }
  if (Array.isArray(c.channels)) bad(!c.channels.every((ch) => ch % 2 === 0), `channels must be even (the couplings halve them), got [${c.channels.join(',')}]`);
  bad(!finitePos(c.clamp) || !finitePos(c.fusionClamp), 'clamp and fusionClamp must be positive finite numbers');
  bad(!Number.isInteger(c.condChannels) || c.condChannels < 0 || c.condChannels % 4 !== 0 || c.condChannels > CONFIG_LIMITS.condChannels, `condChannels must be 0 or a positive multiple of 4 up to ${CONFIG_LIMITS.condChannels}, got ${c.condChannels}`);
  const side = CONFIG_LIMITS.inputSide;
  bad(
    !Array.isArray(c.inputSize) || c.inputSize.length !== 2 || !c.inputSize.every((n) => posInt(n) && n <= side),
    `inputSize must be [height, width], positive integers up to ${side}, got ${JSON.stringify(c.inputSize)}`,
  );
  bad(!['avg', 'max', 'none'].includes(c.pool), `pool must be avg, max or none, got ${c.pool}`);
  bad(!Number.isFinite(c.seed), 'seed must be a finite number');
  bad(!(c.topK > 0 && c.topK <= 1), `topK must be in (0, 1], got ${c.topK}`);
  if (c.mapScales !== undefined) {
    const m = c.mapScales;
    const ok = Array.isArray(m) && m.length > 0 && m.every((i) => Number.isInteger(i) && i >= 0 && i < scales) && new Set(m).size === m.length;
    bad(!ok, `mapScales must be distinct scale indices in [0, ${scales - 1}], at least one, got ${JSON.stringify(m)}`);
  }
  bad(c.mapSigma !== undefined && !isMapSigma(c.mapSigma), `mapSigma must be a number of pixels in [0, ${CONFIG_LIMITS.mapSigma}], got ${JSON.stringify(c.mapSigma)}`);
  const t = c.train;
  if (!t || typeof t !== 'object') problems.push('train settings are missing');
  else {
    bad(!posInt(t.metaEpochs) || !posInt(t.subEpochs) || !posInt(t.batchSize), 'train.metaEpochs, subEpochs and batchSize must be positive integers');
    bad(!finitePos(t.lr) || !finitePos(t.eps) || !finitePos(t.clipNorm), 'train.lr, eps and clipNorm must be positive finite numbers');
    bad(!Array.isArray(t.betas) || t.betas.length !== 2 || !t.betas.every((b) => b >= 0 && b < 1), 'train.betas must be two numbers in [0, 1)');
    bad(t.translate !== undefined && !(t.translate >= 0 && t.translate < 0.5), `train.translate must be a fraction in [0, 0.5), got ${t.translate}`);
    const s = t.schedule;
    if (!s) problems.push('train.schedule is missing');
    else {
      bad(!(s.warmupStartFactor > 0 && s.warmupStartFactor <= 1), 'train.schedule.warmupStartFactor must be in (0, 1]');
      bad(!Number.isInteger(s.warmupSubEpochs) || s.warmupSubEpochs < 0, 'train.schedule.warmupSubEpochs must be a non-negative integer');
      bad(!Array.isArray(s.milestones) || !s.milestones.every((m) => Number.isInteger(m) && m >= 0), 'train.schedule.milestones must be non-negative integers');
      bad(!finitePos(s.gamma), 'train.schedule.gamma must be a positive finite number');
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid MSFlow config: ${problems.join('; ')}`);
}

/**
 * Shape [h, w, c] of each scale's flow input for the configured input size: a tap of stride s
 * is ⌈n/s⌉ for ResNet-style padding, and the 3x3/s2/p1 pool halves it again (rounding up).
 * The flows themselves are fully convolutional; this is for planning and cost estimates.
 *
 * @example
 * ```ts
 * latentShapes(presetConfig('paper')); // [[64,64,256], [32,32,512], [16,16,1024]]
 * ```
 */
export function latentShapes(config: MSFlowConfig): [number, number, number][] {
  const [h, w] = config.inputSize;
  const size = (n: number, s: number) => {
    const tap = Math.ceil(n / s);
    return config.pool === 'none' ? tap : Math.floor((tap + 2 - 3) / 2) + 1;
  };
  return config.channels.map((c, l) => [size(h, config.strides[l]), size(w, config.strides[l]), c]);
}

/**
 * Number of latent elements per image (Σ C·H·W): the loss is a sum over this many terms.
 *
 * @example
 * ```ts
 * latentDims(presetConfig('paper')); // 1_835_008
 * ```
 */
export function latentDims(config: MSFlowConfig): number {
  return latentShapes(config).reduce((s, [h, w, c]) => s + h * w * c, 0);
}
