/**
 * File-system steps with one injected fault, for tests of the atomic writers: a full disk at a
 * given write or rename, or a kill right after it.
 */
import { nodeFileOps, type FileOps } from '../io/fs_ops.js';

/** Thrown by a "killed" process's next step: nothing after it reaches the disk. */
export class SimulatedKill extends Error {
  override name = 'SimulatedKill';
}

/**
 * How the fault at step `at` (1-based; steps are writes and renames) behaves: `fail` makes that
 * step fail as a full disk does (a write leaves half its bytes, a rename does nothing) and lets
 * everything after it run, cleanup included; `stop` lets the step finish and then kills the
 * process: every later step throws without touching the disk.
 */
export type FaultMode = 'fail' | 'stop';

/**
 * Counts writes and renames and injects one fault. Run a save once with no fault to count its
 * steps, then once per step and mode.
 *
 * @example
 * ```ts
 * const clean = new FaultyOps();
 * writeFileSet(dir, 'model', files, clean);
 * for (let at = 1; at <= clean.steps; at++) {
 *   expect(() => writeFileSet(dir, 'model', files, new FaultyOps(at, 'stop'))).toThrow(SimulatedKill);
 * }
 * ```
 */
export class FaultyOps implements FileOps {
  steps = 0;
  killed = false;
  readonly log: string[] = [];

  constructor(
    private readonly at = Infinity,
    private readonly mode: FaultMode = 'fail',
  ) {}

  private alive(): void {
    if (this.killed) throw new SimulatedKill('the process was killed');
  }

  /** Runs a counted step with the fault, if this is its step. */
  private step(what: string, run: (partial: boolean) => void): void {
    this.alive();
    this.steps++;
    this.log.push(what);
    if (this.steps !== this.at) return run(false);
    if (this.mode === 'fail') {
      run(true);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    run(false);
    this.killed = true;
    throw new SimulatedKill(`killed after ${what}`);
  }

  mkdir(path: string): void {
    this.alive();
    nodeFileOps.mkdir(path);
  }

  writeFile(path: string, data: string | Uint8Array, durable?: boolean): void {
    this.step(`write ${path}`, (partial) => {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      nodeFileOps.writeFile(path, partial ? bytes.subarray(0, bytes.length >> 1) : bytes, durable);
    });
  }

  rename(from: string, to: string): void {
    this.step(`rename ${from} -> ${to}`, (partial) => {
      if (!partial) nodeFileOps.rename(from, to);
    });
  }

  remove(path: string): void {
    this.alive();
    nodeFileOps.remove(path);
  }

  list(path: string): string[] {
    this.alive();
    return nodeFileOps.list(path);
  }

  syncDir(path: string): void {
    this.alive();
    nodeFileOps.syncDir(path);
  }
}
