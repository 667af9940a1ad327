import type { MSFlowConfig } from '../models/msflow/config.js';
import type { MSFlowPermutations } from '../models/msflow/permutations.js';
import type { RngState } from '../random/rng.js';
import type { TrainingMetrics } from '../train/metrics.js';
import type { TrainerState } from '../train/trainer.js';

export const CHECKPOINT_FORMAT = 'msflow-ts-checkpoint';
/** Version 2 seals the sidecar with its own CRC-32 (`sidecarCrc32`); version 1 sidecars have none and are still read. */
export const CHECKPOINT_FORMAT_VERSION = 2;
/** Sidecar format versions this library reads. */
export const READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2];

/** Prefix of the Adam moment tensors in the weights file: `adam.m.<param>`, `adam.v.<param>`. */
export const ADAM_PREFIX = 'adam';

/**
 * The JSON half of a checkpoint: everything that is not a float tensor. Written next to the
 * safetensors file (e.g. `last.json` beside `last.safetensors`).
 */
export interface CheckpointSidecar {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: 1 | typeof CHECKPOINT_FORMAT_VERSION;
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
  /**
   * CRC-32 of the canonical JSON of every other field, including what a caller added (the CLI's
   * thresholds): see `sealSidecar`. Required from format version 2.
   */
  sidecarCrc32?: string;
}
