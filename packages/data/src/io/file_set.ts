/**
 * A set of files in one folder replaced together, so a reader never pairs files from two saves
 * (a checkpoint's weights and sidecar): the new files are written into a temporary folder, made
 * durable, and that folder is renamed to `.<name>.next` in one step, the commit point. Then each
 * file is moved into place. Until the moves finish, readers take each file from `.<name>.next`
 * when it is there, else from the folder, which gives the new set as soon as it is committed and
 * the old one before. A kill at any step leaves either set complete; the next writer finishes
 * or drops what a killed one left ({@link recoverFileSet}).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { asFileIoError, FileIoError } from './errors.js';
import { nodeFileOps, type FileOps } from './fs_ops.js';

const stagingName = (name: string) => `.${name}.next`;

/** Temporaries of a set's writers: this module's staging folders and the single-file writer's `.model.json.<pid>.<n>.tmp`. */
function isTemporary(entry: string, name: string): boolean {
  const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${esc}\\.next\\.\\d+\\.tmp$`).test(entry) || new RegExp(`^\\.${esc}\\.[^/]+\\.\\d+\\.\\d+\\.tmp$`).test(entry);
}

/**
 * Finishes a commit a killed writer left (moves the files out of `.<name>.next`) and removes
 * temporaries of earlier writers. Call it only while holding the folder's lock (no other writer).
 *
 * @returns what it did, for a log line: files moved and temporaries removed.
 * @example
 * ```ts
 * recoverFileSet('runs/bottle/2026-01-01T00-00-00Z', 'model');
 * ```
 */
export function recoverFileSet(dir: string, name: string, ops: FileOps = nodeFileOps): { moved: string[]; removed: string[] } {
  const moved: string[] = [];
  const removed: string[] = [];
  const next = join(dir, stagingName(name));
  const staged = ops.list(next);
  try {
    for (const file of staged) {
      ops.rename(join(next, file), join(dir, file));
      moved.push(file);
    }
    if (staged.length) ops.syncDir(dir);
    ops.remove(next);
    for (const entry of ops.list(dir)) {
      if (!isTemporary(entry, name)) continue;
      ops.remove(join(dir, entry));
      removed.push(entry);
    }
  } catch (err) {
    throw asFileIoError(join(dir, moved.length < staged.length ? staged[moved.length] : name), err, 'replace');
  }
  return { moved, removed };
}

/**
 * Replaces the files of a set in `dir` as one unit (see the module comment). Files of the set
 * not in `files` stay as they are (a sidecar alone can be rewritten).
 *
 * @param name the set's name (`model`): names the staging folder `.model.next`.
 * @param ops the file-system steps (tests inject faults here).
 * @throws {@link FileIoError} naming the file that could not be written (`disk full`); before
 *   the commit nothing a reader sees has changed and the temporary folder is removed.
 * @example
 * ```ts
 * writeFileSet(runDir, 'model', new Map([['model.safetensors', weights], ['model.json', sidecarText]]));
 * ```
 */
export function writeFileSet(dir: string, name: string, files: ReadonlyMap<string, string | Uint8Array>, ops: FileOps = nodeFileOps): void {
  recoverFileSet(dir, name, ops);
  const tmp = join(dir, `${stagingName(name)}.${process.pid}.tmp`);
  let current = dir;
  try {
    ops.remove(tmp);
    ops.mkdir(tmp);
    for (const [file, data] of files) {
      current = join(dir, file);
      ops.writeFile(join(tmp, file), data, true);
    }
    current = join(dir, [...files.keys()].at(-1) ?? name);
    ops.syncDir(tmp);
    ops.rename(tmp, join(dir, stagingName(name)));
  } catch (err) {
    try {
      ops.remove(tmp);
    } catch {
      // The write already failed; that error is the one to report.
    }
    throw asFileIoError(current, err);
  }
  // Committed: from here readers see the new set, and a writer after a kill completes it.
  ops.syncDir(dir);
  recoverFileSet(dir, name, ops);
}

/**
 * Where a reader finds `file` of a set: in `.<name>.next` while a commit is being completed,
 * else in `dir`.
 *
 * @example
 * ```ts
 * readFileSync(fileSetPath('runs/bottle/latest', 'model', 'model.json'));
 * ```
 */
export function fileSetPath(dir: string, name: string, file: string): string {
  const staged = join(dir, stagingName(name), file);
  try {
    statSync(staged);
    return staged;
  } catch {
    return join(dir, file);
  }
}

function identity(path: string): string {
  const st = statSync(path, { bigint: true });
  return `${st.ino}:${st.mtimeNs}:${st.size}`;
}

/**
 * Reads every file of a set as one snapshot: when a writer moved a file while it was being read,
 * the read is repeated, so the files returned all belong to one save.
 *
 * @returns the bytes and the path each was read from.
 * @throws {@link FileIoError} naming a file that is missing or unreadable.
 * @example
 * ```ts
 * const set = readFileSet(runDir, 'model', ['model.safetensors', 'model.json']);
 * ```
 */
export function readFileSet(dir: string, name: string, files: readonly string[]): Map<string, { bytes: Buffer; path: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const paths = files.map((f) => fileSetPath(dir, name, f));
      const before = paths.map(identity);
      const out = new Map(files.map((f, i) => [f, { bytes: readFileSync(paths[i]), path: paths[i] }]));
      const again = files.map((f) => fileSetPath(dir, name, f));
      if (again.every((p, i) => p === paths[i] && identity(p) === before[i])) return out;
    } catch (err) {
      if (attempt >= 4) throw asFileIoError((err as NodeJS.ErrnoException).path ?? join(dir, files[0]), err, 'read');
      continue;
    }
    if (attempt >= 4) throw new FileIoError(join(dir, name), new Error('the files kept changing while being read (a writer is busy); try again'), 'read');
  }
}
