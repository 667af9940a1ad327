import type { MSFlowConfig } from '../msflow/config.js';
import type { MSFlowPermutations } from '../msflow/permutations.js';
import type { RngState } from '../random/rng.js';
import type { TrainingMetrics } from '../train/metrics.js';
import type { TrainerState } from '../train/trainer.js';

export const CHECKPOINT_FORMAT = 'msflow-ts-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;

/** Prefix of the Adam moment tensors in the weights file: `adam.m.<param>`, `adam.v.<param>`. */
export const ADAM_PREFIX = 'adam';

/**
 * The JSON half of a checkpoint: everything that is not a float tensor. Written next to the
 * safetensors file (e.g. `last.json` beside `last.safetensors`).
 */
export interface CheckpointSidecar {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: typeof CHECKPOINT_FORMAT_VERSION;
  /** `@msflow/core` version that wrote it. */
  libraryVersion: string;
  /** Preset the config started from, if any (informational; `config` is authoritative). */
  preset: string | null;
  /** Backbone the features came from, and an optional identifier of its weights (file name, hash). */
  backbone: { id: string; padding: 'zeros' | 'reflect'; weights: string | null };
  config: MSFlowConfig;
  /** The fixed, non-trainable channel permutations. */
  permutations: MSFlowPermutations;
  /** Generator state right after initialisation (training shuffles continue from `training.epochRng`). */
  rngState: RngState;
  /** Training progress, or null for a model that was never trained through a Trainer. */
  training: TrainerState | null;
  /** Present when the weights file holds the Adam moments. */
  optimizer: { kind: 'adam'; step: number; betas: [number, number]; eps: number } | null;
  metrics: TrainingMetrics | null;
  /** Integrity of the paired weights file. */
  weights: { bytes: number; crc32: string; tensors: number };
  /** Backend that wrote it (informational: the floats load on any backend). */
  backend: string | null;
}
