import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root and the built binary the tests spawn. */
export const PKG = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(PKG, 'dist', 'bin.js');

/** Result of one CLI run. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh temporary folder. */
export const tmp = (): string => mkdtempSync(join(tmpdir(), 'msflow-cli-it-'));

/** Runs `node dist/bin.js ...args` in `cwd` and waits for it (no TTY: no progress bars). */
export function msflow(args: readonly string[], cwd: string, timeoutMs = 240_000): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/**
 * Starts the CLI and sends SIGINT once stderr contains `when`; resolves when it exits.
 */
export function msflowInterrupted(args: readonly string[], cwd: string, when: RegExp, timeoutMs = 240_000): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!sent && when.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

/** Builds the CLI and its workspace dependencies once (tsc -b is incremental). */
export function buildCli(): void {
  const r = spawnSync('npx', ['tsc', '-b', PKG], { cwd: PKG, encoding: 'utf8', stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`tsc -b failed:\n${r.stdout}\n${r.stderr}`);
}

/** The last non-empty stderr line (the one-line error). */
export const lastLine = (s: string): string => s.trim().split('\n').at(-1) ?? '';
