import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FileIoError, writeFileAtomicSync } from '@msflow/data';

/** Writes a file via a temp file in the same folder and a rename, so readers never see half a file. */
export const writeFileAtomic: (path: string, data: string | Uint8Array) => void = writeFileAtomicSync;

/** Writes pretty JSON atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** Points `link` at `target` (relative), replacing any previous link atomically. */
export function replaceSymlink(target: string, link: string): void {
  const tmp = `${link}.${process.pid}.tmp`;
  try {
    rmSync(tmp, { force: true });
    symlinkSync(target, tmp);
    renameSync(tmp, link);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new FileIoError(link, err, 'replace');
  }
}

/** Moves `<class>/latest` to the run folder `runDir` (`<class>/<timestamp>`). */
export function pointLatest(runDir: string): void {
  replaceSymlink(basename(runDir), join(dirname(runDir), 'latest'));
}

/**
 * Creates `runs/<class>/<timestamp>/` under `root` (another name when that exists). `latest` is
 * not moved here: see {@link pointLatest}, called once the run holds a complete checkpoint.
 */
export function createRunDir(root: string, className: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const classDir = join(root, className);
  let dir = join(classDir, stamp);
  for (let i = 1; ; i++) {
    try {
      mkdirSync(dir, { recursive: false });
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      try {
        if (code === 'ENOENT') mkdirSync(classDir, { recursive: true });
        else if (code === 'EEXIST') dir = join(classDir, `${stamp}-${i}`);
        else throw err;
      } catch (e) {
        throw new FileIoError(code === 'ENOENT' ? classDir : dir, e, 'create');
      }
    }
  }
  return dir;
}
