import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';

import { writeFileAtomicSync } from '@msflow/eval';

/** Writes a file via a temp file in the same folder and a rename, so readers never see half a file. */
export const writeFileAtomic: (path: string, data: string | Uint8Array) => void = writeFileAtomicSync;

/** Writes pretty JSON atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** Points `link` at `target` (relative), replacing any previous link atomically. */
export function replaceSymlink(target: string, link: string): void {
  const tmp = `${link}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

/** Creates `runs/<class>/<timestamp>/` under `root` and moves `latest` to it. */
export function createRunDir(root: string, className: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const classDir = join(root, className);
  let dir = join(classDir, stamp);
  for (let i = 1; ; i++) {
    try {
      mkdirSync(dir, { recursive: false });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') mkdirSync(classDir, { recursive: true });
      else if ((err as NodeJS.ErrnoException).code === 'EEXIST') dir = join(classDir, `${stamp}-${i}`);
      else throw err;
    }
  }
  replaceSymlink(basename(dir), join(classDir, 'latest'));
  return dir;
}
