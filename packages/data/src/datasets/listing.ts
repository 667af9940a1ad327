/**
 * Folder listing helpers for the loaders: sorted (code-point order, like Python's `sorted`),
 * dot-files skipped, clear errors for missing folders.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isImageFile } from '../io/codec.js';
import { DatasetError } from './errors.js';

/** Throws a {@link DatasetError} unless `path` is a folder. */
export function requireDir(path: string, expected: string): void {
  if (!existsSync(path)) throw new DatasetError(path, `folder not found (expected ${expected})`);
  if (!statSync(path).isDirectory()) throw new DatasetError(path, `not a folder (expected ${expected})`);
}

function sorted(names: string[]): string[] {
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Sub-folder names of `dir`, sorted. */
export function listSubdirs(dir: string): string[] {
  return sorted(
    readdirSync(dir, { withFileTypes: true })
      .filter((d) => !d.name.startsWith('.') && (d.isDirectory() || (d.isSymbolicLink() && statSync(join(dir, d.name)).isDirectory())))
      .map((d) => d.name),
  );
}

/** Image file names (png/jpg/jpeg) directly in `dir`, sorted; other files are returned apart. */
export function listImages(dir: string): { images: string[]; other: string[] } {
  const images: string[] = [];
  const other: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.name.startsWith('.')) continue;
    const full = join(dir, d.name);
    const isFile = d.isFile() || (d.isSymbolicLink() && statSync(full).isFile());
    if (!isFile) continue;
    (isImageFile(d.name) ? images : other).push(d.name);
  }
  return { images: sorted(images), other: sorted(other) };
}

/** File name without its last extension. */
export function stemOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
