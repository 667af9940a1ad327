import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeSyntheticClass, type WriteSyntheticOptions } from '@msflow/data';
import { DetectorError } from '../errors.js';

/**
 * Writes a synthetic class (MVTec layout) under `root/<class>` as a whole: the files go to a
 * hidden temporary folder first, which is renamed into place at the end, so an interrupted
 * write leaves no half-filled class folder. An existing class folder is replaced only with
 * `overwrite`.
 *
 * @example
 * ```ts
 * const w = writeSyntheticDataset('data/synth', { family: 'woven', size: 128, seed: 0 });
 * ```
 */
export function writeSyntheticDataset(root: string, options: WriteSyntheticOptions & { overwrite?: boolean }): { classDir: string; className: string; counts: Record<string, number> } {
  const className = options.className ?? `synth_${options.family ?? 'woven'}`;
  const classDir = join(root, className);
  if (existsSync(classDir) && !options.overwrite) throw new DetectorError(`${classDir}: already exists (pass --force to replace it)`);
  const tmpName = `.${className}.tmp-${process.pid}`;
  const tmpDir = join(root, tmpName);
  rmSync(tmpDir, { recursive: true, force: true });
  try {
    const written = writeSyntheticClass(root, { ...options, className: tmpName });
    rmSync(classDir, { recursive: true, force: true });
    renameSync(tmpDir, classDir);
    return { classDir, className, counts: written.counts };
  } catch (err) {
    rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
}
