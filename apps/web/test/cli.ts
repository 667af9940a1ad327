import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built `msflow` binary (the global setup builds it). */
export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../packages/cli/dist/bin.js');

/** Runs `msflow ...args` in `cwd`; throws with its stderr when it fails. Returns stdout. */
export function msflow(args: readonly string[], cwd: string): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`msflow ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** A tiny demo checkpoint and two test images (one normal, one anomalous), made by the CLI. */
export interface Demo {
  dir: string;
  checkpoint: string;
  images: [string, string];
}

/**
 * `msflow synth` (64 px, 8 training images) then `msflow train` (cpu-resnet18 flows on a seeded
 * random backbone, one pass): a real checkpoint with an F1 threshold in a few seconds.
 */
export function makeDemo(dir: string): Demo {
  msflow(['synth', 'data', '--size', '64', '--train', '8', '--test-good', '2', '--test-anomalous', '2', '--kinds', 'blob', '--seed', '3', '-f'], dir);
  msflow(
    ['train', '--data', 'data', '--class', 'synth_woven', '--preset', 'cpu-resnet18', '--backbone', 'random', '--size', '64', '--epochs', '1', '--sub-epochs', '1', '--batch-size', '4', '--out', 'runs', '--seed', '3'],
    dir,
  );
  const test = join(dir, 'data', 'synth_woven', 'test');
  return { dir, checkpoint: join(dir, 'runs', 'synth_woven', 'latest'), images: [join(test, 'good', '000.png'), join(test, 'blob', '000.png')] };
}

/** `msflow predict --json`: score and label per image, as the CLI computes them. */
export function predictScores(demo: Demo): { file: string; score: number; label: 0 | 1 | null }[] {
  return (JSON.parse(msflow(['--json', 'predict', demo.checkpoint, ...demo.images], demo.dir)) as { predictions: { file: string; score: number; label: 0 | 1 | null }[] }).predictions;
}

/** A running `msflow serve`. */
export interface Served {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `msflow serve [checkpoint] --port 0` and resolves with its URL once it listens. */
export function serve(checkpoint: string | undefined, cwd: string): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', ...(checkpoint ? [checkpoint] : []), '--port', '0'], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`msflow serve printed no URL in 60 s:\n${err}`));
    }, 60_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const stop = () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGINT');
        });
      ok({ url: m[1], child, stop });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`msflow serve exited ${code} before listening:\n${err}`));
    });
  });
}
