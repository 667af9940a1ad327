import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { lockRun } from '@msflow/detector';
import { processAlive } from '@msflow/data';
import { createRunDir, pointLatest } from '../util/files.js';

/**
 * A run folder `runs/<class>/<timestamp>/` that exists only once a checkpoint is being saved in
 * it, locked against a second writer while this process uses it. `latest` moves to it only
 * once its first checkpoint is complete, and a new folder whose first save failed is removed,
 * so `latest` always points at a run that can be loaded and resumed.
 *
 * @example
 * ```ts
 * const run = new LazyRunDir('runs', 'bottle');
 * await writeCheckpoint(join(run.path(), 'model'), model, options); // creates and locks the folder
 * run.markSaved(); // moves `latest`
 * run.close(); // releases the lock (and removes the folder if nothing was saved)
 * ```
 */
export class LazyRunDir {
  private dir: string | undefined;
  private lock: { release(): void } | undefined;
  private isNew = false;
  private hasCheckpoint = false;

  constructor(
    private readonly root: string,
    private readonly className: string,
    existing?: { dir: string; lock: { release(): void } },
  ) {
    this.dir = existing?.dir;
    this.lock = existing?.lock;
    this.hasCheckpoint = existing !== undefined;
  }

  /** The folder, created and locked on first call. */
  path(): string {
    if (this.dir === undefined) {
      const dir = createRunDir(this.root, this.className);
      this.lock = lockRun(dir, 'msflow train');
      this.dir = dir;
      this.isNew = true;
    }
    return this.dir;
  }

  /** Whether the folder holds a complete checkpoint. */
  get saved(): boolean {
    return this.hasCheckpoint;
  }

  /** Records a complete checkpoint: the first one of a new run moves `<class>/latest` here. */
  markSaved(): void {
    if (this.isNew && !this.hasCheckpoint && this.dir) pointLatest(this.dir);
    this.hasCheckpoint = true;
  }

  /** Releases the lock; a folder this process created and never completed a checkpoint in is removed. */
  close(): void {
    this.lock?.release();
    this.lock = undefined;
    if (this.isNew && !this.hasCheckpoint && this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** The folder if it was created. */
  get created(): string | undefined {
    return this.dir;
  }
}

/**
 * Removes feature caches (`<class>-<pid>.safetensors`, `-shifted`, their `.tmp` files) that a
 * killed training process left under `<runs>/.feature-cache`; those of running processes stay.
 *
 * @returns the names removed.
 */
export function removeStaleFeatureCaches(cacheDir: string): string[] {
  if (!existsSync(cacheDir)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(cacheDir)) {
    const pid = Number((/\.(\d+)\.tmp$/.exec(name) ?? /-(\d+)(?:-shifted)?\.safetensors$/.exec(name))?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || processAlive(pid)) continue;
    rmSync(join(cacheDir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
