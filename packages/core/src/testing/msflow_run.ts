import { setBackend } from '../engine/engine.js';
import type { Backend } from '../backend/backend.js';
import type { MSFlowConfig } from '../models/msflow/config.js';
import type { FeatureSet } from '../models/msflow/features.js';
import { MSFlowModel } from '../models/msflow/model.js';
import { presetConfig, type ConfigOverrides } from '../models/msflow/presets.js';
import { Rng } from '../random/rng.js';
import { Trainer, type TrainerOptions } from '../train/trainer.js';

/**
 * A tiny MSFlow: channels [4, 8, 8] (fusion halves 2/4/4, mixer hidden 2), blocks [2, 1, 1],
 * 4-channel positional encoding, seed 7, 2 x 2 sub-epochs of batch 2. Every module of the real
 * model is exercised, in milliseconds.
 *
 * @example
 * ```ts
 * const model = MSFlowModel.create(tinyMSFlowConfig({ blocks: [1, 1, 1] }));
 * ```
 */
export function tinyMSFlowConfig(overrides: ConfigOverrides = {}): MSFlowConfig {
  return presetConfig('cpu', {
    channels: [4, 8, 8],
    blocks: [2, 1, 1],
    condChannels: 4,
    inputSize: [16, 16],
    seed: 7,
    // Tests read the unsmoothed maps unless they ask for smoothing.
    mapSigma: 0,
    ...overrides,
    train: { metaEpochs: 2, subEpochs: 2, batchSize: 2, lr: 1e-3, ...overrides.train, schedule: { warmupSubEpochs: 1, milestones: [3], ...overrides.train?.schedule } },
  });
}

/** Per-scale [h, w] of tiny test features: 4x4, 2x2, 2x2. */
export const TINY_FEATURE_SIZES: [number, number][] = [
  [4, 4],
  [2, 2],
  [2, 2],
];

/**
 * Seeded N(0, 1)·scale features for `count` images with the config's channels.
 *
 * @example
 * ```ts
 * const features = randomFeatureSet(tinyMSFlowConfig(), 4, 21);
 * ```
 */
export function randomFeatureSet(config: MSFlowConfig, count: number, seed: number, sizes = TINY_FEATURE_SIZES, scale = 1): FeatureSet {
  const rng = new Rng(seed);
  return {
    count,
    scales: config.channels.map((c, l) => {
      const [h, w] = sizes[l];
      return { shape: [h, w, c] as [number, number, number], data: rng.normalArray(count * h * w * c, scale) };
    }),
  };
}

/** What {@link recordTraining} saw: per-step loss and gradient norm, and the final parameters. */
export interface RecordedTraining {
  status: 'completed' | 'cancelled';
  losses: number[];
  gradNorms: number[];
  params: Map<string, Float32Array>;
}

/**
 * Trains a fresh model of `config` on `backend` (with `options.stepper`, e.g. a traced one) and records the run: the fixture of the
 * cross-backend training checks (same seed and features on two backends must end alike).
 *
 * @example
 * ```ts
 * const a = await recordTraining(tfjs, tinyMSFlowConfig(), features);
 * const b = await recordTraining(webgpu, tinyMSFlowConfig(), features);
 * ```
 */
export async function recordTraining(backend: Backend, config: MSFlowConfig, features: FeatureSet, options: TrainerOptions = {}): Promise<RecordedTraining> {
  setBackend(backend);
  const model = MSFlowModel.create(config);
  const trainer = new Trainer(model, undefined, options);
  const losses: number[] = [];
  const gradNorms: number[] = [];
  try {
    const result = await trainer.run(features, {
      onProgress: (e) => {
        if (e.type === 'step') {
          losses.push(e.loss);
          gradNorms.push(e.gradNorm);
        }
      },
    });
    const params = new Map<string, Float32Array>();
    for (const [name, t] of model.params) params.set(name, Float32Array.from(await t.data()));
    return { status: result.status, losses, gradNorms, params };
  } finally {
    await trainer.dispose();
    model.dispose();
  }
}

/**
 * ‖a − b‖ / ‖b‖ over a whole tensor, so near-zero entries do not blow the ratio up.
 *
 * @example
 * ```ts
 * relativeError(Float32Array.of(1, 2.001), Float32Array.of(1, 2)); // ≈ 4.5e-4
 * ```
 */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
}
