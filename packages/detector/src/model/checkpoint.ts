import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  CHECKPOINT_FORMAT_VERSION,
  CheckpointError,
  deserializeCheckpoint,
  sealSidecar,
  serializeCheckpoint,
  type CheckpointContent,
  type CheckpointSidecar,
  type MSFlowConfig,
  type MSFlowModel,
  type Trainer,
} from '@msflow/core';
import { acquireLock, fileSetPath, nodeFileOps, readFileSet, recoverFileSet, writeFileSet, type FileOps } from '@msflow/data';
import type { DatasetRef } from '../data/dataset.js';
import { DetectorError } from '../errors.js';
import { checkCliInfo } from './cli_info.js';
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
  /** Whether the run evaluates on the test split after each meta-epoch (`--no-eval`: false), kept on `--resume`. */
  evaluate?: boolean;
}

/** A sidecar with the CLI's part. */
export type Sidecar = CheckpointSidecar & { cli?: CliSidecarInfo };

/** The two files of a checkpoint. */
export interface CheckpointPaths {
  weights: string;
  sidecar: string;
}

const WEIGHTS = `${CHECKPOINT_STEM}.safetensors`;
const SIDECAR = `${CHECKPOINT_STEM}.json`;

/** `dir/model` of a checkpoint file's path, also when it lies in the save's staging folder. */
function stemOf(file: string): string {
  const name = basename(file).replace(/\.(safetensors|json)$/, '');
  const dir = dirname(file);
  return join(basename(dir) === `.${name}.next` ? dirname(dir) : dir, name);
}

/**
 * The file stem (`runs/x/2026-.../model`) of the checkpoint an argument points at; its folder is
 * the run folder a resumed run writes to.
 *
 * @example
 * ```ts
 * dirname(checkpointStem('runs/bottle/latest')); // 'runs/bottle/latest'
 * ```
 */
export function checkpointStem(arg: string): string {
  return stemOf(checkpointPaths(arg).weights);
}

/** The pair of a checkpoint with file stem `stem` (`runs/x/model`), as a reader finds it mid-save too. */
function pairOf(stem: string): CheckpointPaths {
  const dir = dirname(stem);
  const name = basename(stem);
  return { weights: fileSetPath(dir, name, `${name}.safetensors`), sidecar: fileSetPath(dir, name, `${name}.json`) };
}

/**
 * Where a checkpoint argument points: a `.safetensors` or `.json` file of the pair, a run folder
 * (`runs/bottle/2026-...`), or a class folder with a `latest` link (`runs/bottle`). A save in
 * progress (or one a kill interrupted after its commit) is read from its staging folder.
 *
 * @example
 * ```ts
 * checkpointPaths('runs/bottle'); // { weights: 'runs/bottle/latest/model.safetensors', sidecar: '.../model.json' }
 * ```
 */
export function checkpointPaths(arg: string): CheckpointPaths {
  let stem: string;
  if (existsSync(arg) && statSync(arg).isDirectory()) {
    const has = (dir: string) => existsSync(pairOf(join(dir, CHECKPOINT_STEM)).sidecar);
    const dir = has(arg) ? arg : existsSync(join(arg, 'latest')) ? join(arg, 'latest') : arg;
    stem = join(dir, CHECKPOINT_STEM);
  } else if (arg.endsWith('.safetensors')) stem = arg.slice(0, -'.safetensors'.length);
  else if (arg.endsWith('.json')) stem = arg.slice(0, -'.json'.length);
  else stem = arg;
  const paths = pairOf(stem);
  for (const p of [paths.weights, paths.sidecar]) {
    if (!existsSync(p)) throw new DetectorError(`${p}: checkpoint file does not exist (expected ${WEIGHTS} and ${SIDECAR}, as Detector.save and msflow train write them)`);
  }
  return paths;
}

/** A validated checkpoint read from disk. */
export interface LoadedCheckpoint extends CheckpointContent {
  sidecar: Sidecar;
  /** The pair's names in the run folder (`<run>/model.safetensors`, `<run>/model.json`). */
  paths: CheckpointPaths;
  /** The bytes that were read and validated, both from one save. */
  bytes: { weights: Uint8Array; sidecar: Uint8Array };
}

/**
 * Reads and validates a checkpoint (both files as one snapshot; the sidecar's CRC and every
 * field, the CLI's thresholds included; the weights' length, CRC, shapes and finiteness); with
 * `expect`, also that it was trained with that model structure. Errors are one line naming the
 * file and the field.
 *
 * @example
 * ```ts
 * const ckpt = readCheckpoint('runs/bottle/latest');
 * const model = restoreModel(ckpt);
 * ```
 */
export function readCheckpoint(arg: string, options: { expect?: MSFlowConfig } = {}): LoadedCheckpoint {
  const stem = checkpointStem(arg);
  let files;
  try {
    files = readFileSet(dirname(stem), basename(stem), [`${basename(stem)}.safetensors`, `${basename(stem)}.json`]);
  } catch (err) {
    throw new DetectorError((err as Error).message);
  }
  const weights = files.get(`${basename(stem)}.safetensors`)!;
  const side = files.get(`${basename(stem)}.json`)!;
  const paths = { weights: `${stem}.safetensors`, sidecar: `${stem}.json` };
  let sidecar: unknown;
  try {
    sidecar = JSON.parse(side.bytes.toString('utf8'));
  } catch (err) {
    throw new DetectorError(`${paths.sidecar}: not a readable checkpoint sidecar (${(err as Error).message.split('\n')[0]})`);
  }
  try {
    const content = deserializeCheckpoint(weights.bytes, sidecar, { source: paths.weights, expect: options.expect });
    const cli = (sidecar as Sidecar).cli;
    if (cli !== undefined) checkCliInfo(cli, paths.sidecar);
    return { ...content, sidecar: { ...content.sidecar, cli: cli ? structuredClone(cli) : undefined }, paths, bytes: { weights: weights.bytes, sidecar: side.bytes } };
  } catch (err) {
    if (err instanceof CheckpointError) throw new DetectorError(err.message.split('\n')[0]);
    throw err;
  }
}

/** Options of {@link writeCheckpoint}. */
export interface WriteCheckpointOptions {
  trainer?: Trainer;
  preset?: string;
  backend?: string;
  cli: CliSidecarInfo;
  /** File-system steps (tests inject faults here). */
  ops?: FileOps;
}

/**
 * Writes a checkpoint as one unit: weights and sidecar go into a staging folder that is renamed
 * into the run folder in one step, so a reader (or a run resumed after a kill at any moment)
 * finds either the previous pair or the new one, never one of each. The caller holds the run
 * folder's lock ({@link lockRun}).
 *
 * @throws DetectorError naming the file that could not be written (`disk full`); the previous
 *   checkpoint is then untouched.
 * @example
 * ```ts
 * await writeCheckpoint('runs/bottle/2026-.../model', model, { trainer, preset: 'cpu', cli });
 * ```
 */
export async function writeCheckpoint(stem: string, model: MSFlowModel, options: WriteCheckpointOptions): Promise<CheckpointPaths> {
  const { weights, sidecar } = await serializeCheckpoint(model, {
    trainer: options.trainer,
    preset: options.preset,
    backend: options.backend,
    backboneWeights: options.cli.backbone,
    extra: { cli: options.cli },
  });
  const name = basename(stem);
  writeFileSet(dirname(stem), name, new Map<string, string | Uint8Array>([[`${name}.safetensors`, weights], [`${name}.json`, JSON.stringify(sidecar, null, 1) + '\n']]), options.ops ?? nodeFileOps);
  return { weights: `${stem}.safetensors`, sidecar: `${stem}.json` };
}

/**
 * Rewrites only the sidecar's CLI part (e.g. new thresholds after `msflow test`), atomically and
 * under the run folder's lock; the sidecar is resealed, the weights stay as they are.
 */
export function updateCliInfo(paths: CheckpointPaths, patch: (cli: CliSidecarInfo) => CliSidecarInfo): void {
  const stem = stemOf(paths.sidecar);
  const name = basename(stem);
  const lock = lockRun(dirname(stem), 'msflow test', name);
  try {
    const { sidecar } = readCheckpoint(`${stem}.json`);
    const cli = patch(structuredClone(sidecar.cli ?? { backbone: sidecar.backbone.weights ?? 'default', thresholds: {} }));
    // Resealed; a format-1 sidecar (no seal yet) becomes format 2 on the way.
    const next = sealSidecar({ ...sidecar, formatVersion: CHECKPOINT_FORMAT_VERSION, cli });
    writeFileSet(dirname(stem), name, new Map([[`${name}.json`, JSON.stringify(next, null, 1) + '\n']]));
  } finally {
    lock.release();
  }
}

/**
 * Takes a run folder's lock (one writer per run) and tidies what a killed writer left: finishes
 * an interrupted checkpoint commit and removes stale temporaries.
 *
 * @throws DetectorError when another live process is writing the run.
 * @example
 * ```ts
 * const lock = lockRun('runs/bottle/2026-...', 'msflow train --resume');
 * try { ... } finally { lock.release(); }
 * ```
 */
export function lockRun(dir: string, what?: string, name = CHECKPOINT_STEM): { release(): void; tidied: string[] } {
  let lock;
  try {
    lock = acquireLock(dir, what);
  } catch (err) {
    throw new DetectorError((err as Error).message);
  }
  try {
    const { moved, removed } = recoverFileSet(dir, name);
    return { release: () => lock.release(), tidied: [...moved.map((f) => `finished saving ${f}`), ...removed.map((f) => `removed ${f}`)] };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** Canonical path of a file, for messages and records. */
export function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
