import { join } from 'node:path';
import type { DetectorParts } from '../run/fit.js';
import { onBackend } from '../plan/backends.js';
import { CHECKPOINT_STEM, writeCheckpoint, type CheckpointPaths } from './checkpoint.js';

/**
 * Writes a detector's checkpoint into `dir` (`model.safetensors` + `model.json`, atomically);
 * with a trainer, the training state too, so the run can resume.
 *
 * @example
 * ```ts
 * await saveParts(parts, 'runs/bottle/2026-12-06T10-00-00Z');
 * ```
 */
export function saveParts(parts: DetectorParts, dir: string): Promise<CheckpointPaths> {
  return onBackend(parts.plan.backend, () =>
    writeCheckpoint(join(dir, CHECKPOINT_STEM), parts.model, { trainer: parts.trainer, preset: parts.preset ?? undefined, backend: parts.plan.backend.info().name, cli: parts.info }),
  );
}
