/**
 * A lock file that stops two processes writing one folder (two `msflow train --resume` of one
 * run): `<dir>/.lock` holds the owner's pid, host and start time. A lock whose process is gone
 * (same host, pid not running) is stale and taken over; a live one is refused, naming its pid.
 */
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { asFileIoError } from './errors.js';

/** The lock file's name in a locked folder. */
export const LOCK_FILE = '.lock';

/** Thrown when another live process holds the lock. */
export class LockedError extends Error {
  override name = 'LockedError';
  constructor(
    readonly dir: string,
    readonly owner: LockOwner,
  ) {
    super(`${dir}: another process (pid ${owner.pid} on ${owner.host}, since ${owner.started}) is writing here; wait for it to finish, or delete ${join(dir, LOCK_FILE)} if that process is gone`);
  }
}

/** What a lock file records. */
export interface LockOwner {
  pid: number;
  host: string;
  started: string;
  /** What the owner is doing, for the message (`msflow train`). */
  what?: string;
}

/** A held lock. */
export interface FolderLock {
  readonly path: string;
  /** Whether a stale lock (of a process that is gone) was taken over. */
  readonly tookOver?: LockOwner;
  /** Deletes the lock file (only if it is still ours). Safe to call twice. */
  release(): void;
}

/**
 * Whether a process with this pid runs on this machine (one of another user counts as running).
 *
 * @example
 * ```ts
 * processAlive(process.pid); // true
 * ```
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes `<dir>/.lock` for this process (the folder must exist). The file appears with its content
 * in one step (written aside, then hard-linked), so no other process can see it empty.
 *
 * @throws {@link LockedError} when a live process (or one on another host, which cannot be
 *   checked) holds it; {@link FileIoError} when the folder cannot be written.
 * @example
 * ```ts
 * const lock = acquireLock('runs/bottle/2026-01-01T00-00-00Z', 'msflow train');
 * try { ... } finally { lock.release(); }
 * ```
 */
export function acquireLock(dir: string, what?: string): FolderLock {
  const path = join(dir, LOCK_FILE);
  // Nested use in one process (a training run that also rewrites its sidecar) shares the lock.
  const mine = held.get(path);
  if (mine && readOwner(path)?.pid === process.pid) {
    mine.count++;
    return holder(path, mine);
  }
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), ...(what ? { what } : {}) };
  const aside = `${path}.${process.pid}.tmp`;
  let tookOver: LockOwner | undefined;
  try {
    writeFileSync(aside, JSON.stringify(me) + '\n');
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(aside, path);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      }
      const owner = readOwner(path);
      // A lock nobody can read was left by a crash mid-way on a file system without link().
      if (owner && (owner.host !== me.host || processAlive(owner.pid))) throw new LockedError(dir, owner);
      tookOver = owner;
      rmSync(path, { force: true });
    }
  } catch (err) {
    if (err instanceof LockedError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      const owner = readOwner(path);
      if (owner) throw new LockedError(dir, owner);
    }
    throw asFileIoError(path, err, 'lock');
  } finally {
    rmSync(aside, { force: true });
  }
  const entry: Held = { count: 1, onExit: () => removeIfMine(path) };
  held.set(path, entry);
  process.on('exit', entry.onExit);
  return holder(path, entry, tookOver);
}

/** A lock this process holds: how many holders share it, and the exit hook that removes it. */
interface Held {
  count: number;
  onExit: () => void;
}

/** Locks this process holds, by path. */
const held = new Map<string, Held>();

function removeIfMine(path: string): void {
  if (readOwner(path)?.pid === process.pid) rmSync(path, { force: true });
}

/** One holder's handle: the last holder to release removes the file. */
function holder(path: string, entry: Held, tookOver?: LockOwner): FolderLock {
  let released = false;
  return {
    path,
    tookOver,
    release() {
      if (released) return;
      released = true;
      if (--entry.count > 0) return;
      held.delete(path);
      process.off('exit', entry.onExit);
      entry.onExit();
    },
  };
}
