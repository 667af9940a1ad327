import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { msflow, msflowInterrupted, tmp } from './helpers.js';

const weights = (dir: string, out: string) => readFileSync(join(dir, out, 'synth_woven', 'latest', 'model.safetensors'));

// End to end, in steps that each train one small model (resnet18 taps with seeded random
// weights at 32 px): one test per run, so a busy machine slows each within its own limit
// instead of four trainings sharing one.
describe('msflow train --translate (end to end): shifted training images, redrawn each meta-epoch', () => {
  const dir = tmp();
  const train = (out: string, ...extra: string[]) => [
    'train', '--data', 'data', '--class', 'synth_woven', '--preset', 'cpu-resnet18', '--backbone', 'random', '--size', '32',
    '--epochs', '2', '--sub-epochs', '1', '--batch-size', '3', '--seed', '5', '--no-eval', '--out', out, ...extra,
  ];

  beforeAll(async () => {
    const r = await msflow(['synth', 'data', '--size', '32', '--train', '6', '--test-good', '2', '--test-anomalous', '2', '--seed', '2'], dir);
    expect(r.code, r.stderr).toBe(0);
    const plain = await msflow(train('plain'), dir);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).not.toMatch(/shifted/);
  });

  it('trains on other features than without it', async () => {
    const shifted = await msflow([...train('shifted', '--translate', '0.1'), '--json'], dir);
    expect(shifted.code, shifted.stderr).toBe(0);
    expect(shifted.stderr).toMatch(/synth_woven: training images shifted by up to 10\.0% of each side, drawn afresh each meta-epoch/);
    const [run] = JSON.parse(shifted.stdout).runs;
    expect(run.timings.translate).toBeGreaterThan(0);
    expect(weights(dir, 'shifted').equals(weights(dir, 'plain'))).toBe(false);
  });

  it('trains the same weights again from the same seed', async () => {
    const again = await msflow(train('again', '--translate', '0.1'), dir);
    expect(again.code, again.stderr).toBe(0);
    expect(weights(dir, 'again').equals(weights(dir, 'shifted'))).toBe(true);
  });

  it('resumes an interrupted run onto the same weights', async () => {
    // Stopped in meta-epoch 1 or 2; the resumed run redraws that meta-epoch's shifts.
    const stopped = await msflowInterrupted(train('stopped', '--translate', '0.1'), dir, /training resnet18 flows/);
    expect(stopped.code, stopped.stderr).toBe(130);
    const resumed = await msflow(['train', '--resume', 'stopped/synth_woven/latest'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming at step [1-3]/);
    expect(weights(dir, 'stopped').equals(weights(dir, 'shifted'))).toBe(true);
  });
});
