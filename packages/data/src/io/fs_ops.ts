/**
 * The few file-system steps the atomic writers take, behind one interface: production uses
 * {@link nodeFileOps}; tests inject faults (a failure or a simulated kill after any write or
 * rename) to show that no step leaves a half-written file where a reader looks.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';

/** File-system steps of an atomic write. Each throws the raw errno error; callers name the path. */
export interface FileOps {
  /** `mkdir -p`. */
  mkdir(path: string): void;
  /** Creates or truncates `path` and writes `data`; with `durable`, also flushes it to the disk (fsync). */
  writeFile(path: string, data: string | Uint8Array, durable?: boolean): void;
  /** Atomic rename (same file system), replacing a file at `to`. */
  rename(from: string, to: string): void;
  /** `rm -rf`, no error when missing. */
  remove(path: string): void;
  /** Names in a folder; empty when it does not exist. */
  list(path: string): string[];
  /** Flushes a folder's entries (renames, new files) to the disk; best effort where folders cannot be opened. */
  syncDir(path: string): void;
}

/**
 * The real file system.
 *
 * @example
 * ```ts
 * nodeFileOps.writeFile('/tmp/x', 'data');
 * ```
 */
export const nodeFileOps: FileOps = {
  mkdir: (path) => void mkdirSync(path, { recursive: true }),
  writeFile(path, data, durable = false) {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const fd = openSync(path, 'w');
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  rename: (from, to) => renameSync(from, to),
  remove: (path) => rmSync(path, { recursive: true, force: true }),
  list: (path) => (existsSync(path) ? readdirSync(path) : []),
  syncDir(path) {
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
      fsyncSync(fd);
    } catch {
      // Windows cannot open or fsync a folder; the rename itself is still atomic there.
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  },
};
