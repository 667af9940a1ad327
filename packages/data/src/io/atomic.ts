/**
 * Atomic file writes: write to a temporary file in the same folder, then rename it over the
 * target, so readers (and a process killed mid-write) never leave a half-written file. Failures name the target
 * and the cause (`cannot write out/a.png: disk full (ENOSPC)`) and leave no temporary behind.
 */
import { open, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { asFileIoError } from './errors.js';
import { nodeFileOps, type FileOps } from './fs_ops.js';

let counter = 0;

function tempPath(path: string): string {
  counter = (counter + 1) % 1e9;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter}.tmp`);
}

/**
 * Writes `data` to `path` atomically (temp file, rename), creating parent folders.
 *
 * @param ops the file-system steps (tests inject faults here).
 * @throws {@link FileIoError} naming `path`.
 * @example
 * ```ts
 * writeFileAtomicSync('runs/a/report.html', '<html>…</html>');
 * ```
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, ops: FileOps = nodeFileOps): void {
  try {
    ops.mkdir(dirname(path));
  } catch (err) {
    throw asFileIoError(dirname(path), err, 'create');
  }
  const tmp = tempPath(path);
  try {
    ops.writeFile(tmp, data);
    ops.rename(tmp, path);
  } catch (err) {
    try {
      ops.remove(tmp);
    } catch {
      // The write already failed; that error is the one to report.
    }
    throw asFileIoError(path, err);
  }
}

/**
 * Async {@link writeFileAtomicSync}.
 *
 * @example
 * ```ts
 * await writeFileAtomic('runs/a/result.json', JSON.stringify(result));
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (err) {
    throw asFileIoError(dirname(path), err, 'create');
  }
  const tmp = tempPath(path);
  try {
    const file = await open(tmp, 'w');
    try {
      await file.writeFile(data);
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw asFileIoError(path, err);
  }
}
