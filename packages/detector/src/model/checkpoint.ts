import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CheckpointError,
  deserializeCheckpoint,
  serializeCheckpoint,
  type CheckpointContent,
  type CheckpointSidecar,
  type MSFlowConfig,
  type MSFlowModel,
  type Trainer,
} from '@msflow/core';
import { DetectorError } from '../errors.js';
import { writeFileAtomicSync as writeFileAtomic } from '@msflow/eval';
import type { DatasetRef } from '../data/dataset.js';
import type { Thresholds } from './thresholds.js';

/** File stem of the checkpoint in a run folder: `model.safetensors` + `model.json`. */
export const CHECKPOINT_STEM = 'model';

/** What the CLI adds to core's sidecar (under the `cli` key). */
export interface CliSidecarInfo {
  /** The `--backbone` the features came from: `default`, `random` or a file path. */
  backbone: string;
  dataset?: DatasetRef;
  thresholds: Thresholds;
  /**
   * Threshold settings of the run, reused on `--resume` (same validation split) and by `msflow
   * test --fpr` (which images were held out). `quantile`: older versions.
   */
  split?: { valSplit: number; fpr?: number; quantile?: number };
}

/** A sidecar with the CLI's part. */
export type Sidecar = CheckpointSidecar & { cli?: CliSidecarInfo };

/** The two files of a checkpoint. */
export interface CheckpointPaths {
  weights: string;
  sidecar: string;
}

/**
 * Where a checkpoint argument points: a `.safetensors` or `.json` file of the pair, a run folder
 * (`runs/bottle/2026-...`), or a class folder with a `latest` link (`runs/bottle`).
 *
 * @example
 * ```ts
 * checkpointPaths('runs/bottle'); // { weights: 'runs/bottle/latest/model.safetensors', sidecar: '.../model.json' }
 * ```
 */
export function checkpointPaths(arg: string): CheckpointPaths {
  let stem: string;
  if (existsSync(arg) && statSync(arg).isDirectory()) {
    const dir = existsSync(join(arg, `${CHECKPOINT_STEM}.json`)) ? arg : existsSync(join(arg, 'latest')) ? join(arg, 'latest') : arg;
    stem = join(dir, CHECKPOINT_STEM);
  } else if (arg.endsWith('.safetensors')) stem = arg.slice(0, -'.safetensors'.length);
  else if (arg.endsWith('.json')) stem = arg.slice(0, -'.json'.length);
  else stem = arg;
  const paths = { weights: `${stem}.safetensors`, sidecar: `${stem}.json` };
  for (const p of [paths.weights, paths.sidecar]) {
    if (!existsSync(p)) throw new DetectorError(`${p}: checkpoint file does not exist (expected ${CHECKPOINT_STEM}.safetensors and ${CHECKPOINT_STEM}.json from msflow train)`);
  }
  return paths;
}

/** A validated checkpoint read from disk. */
export interface LoadedCheckpoint extends CheckpointContent {
  sidecar: Sidecar;
  paths: CheckpointPaths;
}

/**
 * Reads and validates a checkpoint (sidecar JSON, weights length and CRC, every tensor shape);
 * with `expect`, also that it was trained with that model structure. Errors are one line naming
 * the file.
 *
 * @example
 * ```ts
 * const ckpt = readCheckpoint('runs/bottle/latest');
 * const model = restoreModel(ckpt);
 * ```
 */
export function readCheckpoint(arg: string, options: { expect?: MSFlowConfig } = {}): LoadedCheckpoint {
  const paths = checkpointPaths(arg);
  let sidecar: unknown;
  try {
    sidecar = JSON.parse(readFileSync(paths.sidecar, 'utf8'));
  } catch (err) {
    throw new DetectorError(`${paths.sidecar}: not a readable checkpoint sidecar (${(err as Error).message.split('\n')[0]})`);
  }
  try {
    const content = deserializeCheckpoint(readFileSync(paths.weights), sidecar, { source: paths.weights, expect: options.expect });
    const cli = (sidecar as Sidecar).cli;
    return { ...content, sidecar: { ...content.sidecar, cli: cli ? structuredClone(cli) : undefined }, paths };
  } catch (err) {
    if (err instanceof CheckpointError) throw new DetectorError(err.message.split('\n')[0]);
    throw err;
  }
}

/**
 * Writes a checkpoint atomically: the weights first, then the sidecar (which records the
 * weights' length and CRC, so a pair from different writes is detected on load).
 *
 * @example
 * ```ts
 * await writeCheckpoint('runs/bottle/2026-.../model', model, { trainer, preset: 'cpu', cli });
 * ```
 */
export async function writeCheckpoint(
  stem: string,
  model: MSFlowModel,
  options: { trainer?: Trainer; preset?: string; backend?: string; cli: CliSidecarInfo },
): Promise<CheckpointPaths> {
  const { weights, sidecar } = await serializeCheckpoint(model, {
    trainer: options.trainer,
    preset: options.preset,
    backend: options.backend,
    backboneWeights: options.cli.backbone,
  });
  const paths = { weights: `${stem}.safetensors`, sidecar: `${stem}.json` };
  writeFileAtomic(paths.weights, weights);
  writeFileAtomic(paths.sidecar, JSON.stringify({ ...sidecar, cli: options.cli }, null, 1) + '\n');
  return paths;
}

/**
 * Rewrites only the sidecar's CLI part (e.g. new thresholds after `msflow test`), atomically.
 * The weights and their integrity record stay as they are.
 */
export function updateCliInfo(paths: CheckpointPaths, patch: (cli: CliSidecarInfo) => CliSidecarInfo): void {
  const sidecar = JSON.parse(readFileSync(paths.sidecar, 'utf8')) as Sidecar;
  const cli = patch(structuredClone(sidecar.cli ?? { backbone: sidecar.backbone.weights ?? 'default', thresholds: {} }));
  writeFileAtomic(paths.sidecar, JSON.stringify({ ...sidecar, cli }, null, 1) + '\n');
}

/** Canonical path of a file, for messages and records. */
export function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
