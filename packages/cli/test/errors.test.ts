import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { msflow, tmp, type Run } from './helpers.js';

/** Exactly one stderr line, naming what was wrong. */
function oneLine(r: Run, code: number, pattern: RegExp): void {
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with --help'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
}

describe('bad inputs: one clear line, the right exit code, nothing written', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmp();
    mkdirSync(join(dir, 'empty', 'cls', 'train', 'good'), { recursive: true });
    mkdirSync(join(dir, 'corrupt', 'cls', 'train', 'good'), { recursive: true });
    writeFileSync(join(dir, 'corrupt', 'cls', 'train', 'good', '000.png'), 'this is not a png');
  });

  it('missing dataset folder (exit 1, names the folder)', async () => {
    oneLine(await msflow(['train', '--data', 'nope', '--class', 'bottle'], dir), 1, /nope\/bottle.*(does not exist|not found|missing|no such)/i);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('empty training folder (exit 1, names train/good)', async () => {
    oneLine(await msflow(['train', '--data', 'empty', '--class', 'cls'], dir), 1, /empty\/cls\/train\/good: no training images/);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('corrupt image (exit 1, names the file)', async () => {
    oneLine(await msflow(['train', '--data', 'corrupt', '--class', 'cls', '--no-eval', '--backend', 'tfjs'], dir), 1, /corrupt\/cls\/train\/good\/000\.png/);
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });

  it('unknown backend (exit 2, names --backend)', async () => {
    oneLine(await msflow(['train', '--data', 'corrupt', '--class', 'cls', '--backend', 'nosuch'], dir), 2, /--backend: unknown backend 'nosuch'/);
  });

  it('bad flag values and unknown flags (exit 2)', async () => {
    oneLine(await msflow(['train', '--data', 'x', '--class', 'y', '--epochs', 'zero'], dir), 2, /--epochs: expected an integer >= 1, got 'zero'/);
    oneLine(await msflow(['train', '--data', 'x', '--class', 'y', '--translate', '0.6'], dir), 2, /--translate: expected a number in \[0, 0\.49\], got '0\.6'/);
    oneLine(await msflow(['train', '--size', '100', '--data', 'x', '--class', 'y'], dir), 2, /--size: expected N or HxW \(height x width\), each a multiple of 32/);
    oneLine(await msflow(['train', '--preset', 'huge'], dir), 2, /--preset: unknown preset 'huge'/);
    oneLine(await msflow(['train', '--frobnicate'], dir), 2, /unknown option '--frobnicate'/);
    oneLine(await msflow(['predict', 'ckpt', 'x.png', '--threshold', 'high'], dir), 2, /--threshold: expected a number, got 'high'/);
    oneLine(await msflow(['train', '--data', 'x', '--class', 'y', '--fpr', '1'], dir), 2, /--fpr: expected a number in \[0, 0\.5\], got '1'/);
    oneLine(await msflow(['train', '--data', 'x', '--class', 'y', '--trainer', 'jit'], dir), 2, /--trainer: expected one of auto, traced, eager, got 'jit'/);
    oneLine(await msflow(['train', '--data', 'x', '--class', 'y', '--execution-providers', 'tpu'], dir), 2, /--execution-providers: unknown provider 'tpu' \(available here: cpu\b/);
  });

  it('bad config file (exit 2, names the file)', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'epochs: [1\n');
    oneLine(await msflow(['train', '--config', 'bad.yaml'], dir), 2, /--config: .*bad\.yaml is not valid/);
    writeFileSync(join(dir, 'typo.json'), '{"epochz": 2}');
    oneLine(await msflow(['train', '--config', 'typo.json'], dir), 2, /--config typo\.json: unknown key epochz \(did you mean epochs\? valid keys: data, kind,/);
  });

  it('missing checkpoint (exit 1, names the file)', async () => {
    oneLine(await msflow(['info', 'runs/none/model.safetensors'], dir), 1, /runs\/none\/model\.safetensors: checkpoint file does not exist/);
  });
});
