import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileIoError } from '@msflow/data';
import type { DetectorParts } from '../run/fit.js';
import { onBackend } from '../plan/backends.js';
import { CHECKPOINT_STEM, lockRun, writeCheckpoint, type CheckpointPaths } from './checkpoint.js';

/**
 * Writes a detector's checkpoint into `dir` (`model.safetensors` + `model.json`, as one unit,
 * under the folder's lock); with a trainer, the training state too, so the run can resume.
 * Weights that are not finite are refused (core's `CheckpointError`) and the previous
 * checkpoint in `dir` stays as it was.
 *
 * @example
 * ```ts
 * await saveParts(parts, 'runs/bottle/2026-12-06T10-00-00Z');
 * ```
 */
export async function saveParts(parts: DetectorParts, dir: string): Promise<CheckpointPaths> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new FileIoError(dir, err, 'create');
  }
  const lock = lockRun(dir, 'Detector.save');
  try {
    return await onBackend(parts.plan.backend, () =>
      writeCheckpoint(join(dir, CHECKPOINT_STEM), parts.model, { trainer: parts.trainer, preset: parts.preset ?? undefined, backend: parts.plan.backend.info().name, cli: parts.info }),
    );
  } finally {
    lock.release();
  }
}
