// A checkpoint is one unit (issue 28, cases 3, 4 and 5): a full disk or a kill after any write
// or rename of a save leaves the previous checkpoint or the new one, whole and resumable, and a
// run folder has one writer at a time.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MSFlowModel, sealSidecar, setBackend, Trainer, type MSFlowConfig } from '@msflow/core';
import { createReferenceBackend, tinyMSFlowConfig } from '@msflow/core/testing';
import { FaultyOps, SimulatedKill, type FaultMode } from '@msflow/data/testing';
import { DetectorError, lockRun, readCheckpoint, updateCliInfo, writeCheckpoint, type CliSidecarInfo } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'msflow-ckpt-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (value: number): CliSidecarInfo => ({ backbone: 'random', thresholds: { quantile: { value, q: 0.99, source: 'train', images: 4 } } });

/** Saves the model of `config` with a trainer (a resumable checkpoint) into `dir/model`. */
async function save(dir: string, config: MSFlowConfig, threshold: number, ops?: FaultyOps): Promise<void> {
  const model = MSFlowModel.create(config);
  const trainer = new Trainer(model);
  try {
    await writeCheckpoint(join(dir, 'model'), model, { trainer, cli: cli(threshold), ops });
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/** Which save a reader sees: 1 or 2, checking that weights and sidecar come from the same one. */
function whichSave(dir: string): number {
  const c = readCheckpoint(dir);
  const seed = c.sidecar.config.seed;
  const threshold = c.sidecar.cli!.thresholds.quantile!.value;
  expect(threshold).toBe(seed === 1 ? 0.1 : 0.2);
  return seed;
}

const first = { ...tinyMSFlowConfig(), seed: 1 };
const second = { ...tinyMSFlowConfig(), seed: 2 };
let template: string;

beforeAll(async () => {
  setBackend(createReferenceBackend());
  template = join(root, 'template');
  await save(template, first, 0.1);
});

let n = 0;
function runFolder(): string {
  const dir = join(root, `run${n++}`);
  cpSync(template, dir, { recursive: true });
  return dir;
}

describe('checkpoints under faults (issue 28)', () => {
  it('case 3: a kill or a full disk after any write or rename of a save leaves the previous or the new checkpoint, whole and resumable', async () => {
    const clean = new FaultyOps();
    await save(runFolder(), second, 0.2, clean);
    expect(clean.steps).toBe(5);
    for (let at = 1; at <= clean.steps; at++) {
      for (const mode of ['fail', 'stop'] as FaultMode[]) {
        const dir = runFolder();
        const step = `${mode} at step ${at}: ${clean.log[at - 1]}`;
        await expect(save(dir, second, 0.2, new FaultyOps(at, mode)), step).rejects.toThrow(mode === 'stop' ? SimulatedKill : /^cannot (write|replace) /);
        const seen = whichSave(dir);
        // Step 3 is the commit: the staged pair becomes the checkpoint in one rename.
        expect(seen, step).toBe(at < 3 || (at === 3 && mode === 'fail') ? 1 : 2);
        // What `msflow train --resume` does first: lock, finish or drop the interrupted save.
        const lock = lockRun(dir, 'test');
        lock.release();
        expect(whichSave(dir), step).toBe(seen);
        expect(readdirSync(dir).sort(), step).toEqual(['model.json', 'model.safetensors']);
        expect(readCheckpoint(dir).sidecar.training, step).not.toBeNull();
      }
    }
  });

  it('case 4: a full disk while saving names the file and the cause, and keeps the previous checkpoint', async () => {
    const dir = runFolder();
    await expect(save(dir, second, 0.2, new FaultyOps(1, 'fail'))).rejects.toThrow(`cannot write ${join(dir, 'model.safetensors')}: disk full (ENOSPC)`);
    await expect(save(dir, second, 0.2, new FaultyOps(2, 'fail'))).rejects.toThrow(`cannot write ${join(dir, 'model.json')}: disk full (ENOSPC)`);
    expect(whichSave(dir)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors']);
  });

  it('case 5: a threshold that is not a number is refused on load, naming the file and the field', () => {
    const dir = runFolder();
    const sidecar = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    sidecar.cli.thresholds.quantile.value = 'abc';
    writeFileSync(join(dir, 'model.json'), JSON.stringify(sealSidecar(sidecar)));
    expect(() => readCheckpoint(dir)).toThrow(DetectorError);
    expect(() => readCheckpoint(dir)).toThrow(`${join(dir, 'model.json')}: field cli.thresholds.quantile.value: expected a finite number, got "abc"`);
  });

  it('case 5: new thresholds reseal the sidecar (a format-1 sidecar becomes format 2) and keep the weights', () => {
    const dir = runFolder();
    const { sidecarCrc32: _, ...v1 } = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...v1, formatVersion: 1 }));
    const weights = readFileSync(join(dir, 'model.safetensors'));
    updateCliInfo(readCheckpoint(dir).paths, (c) => ({ ...c, thresholds: { ...c.thresholds, f1: { value: 0.3, f1: 0.9, source: 'test', images: 8 } } }));
    const after = readCheckpoint(dir);
    expect(after.sidecar.formatVersion).toBe(2);
    expect(after.sidecar.cli!.thresholds.f1!.value).toBe(0.3);
    expect(readFileSync(join(dir, 'model.safetensors')).equals(weights)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.safetensors']);
  });

  it('case 3: a second writer of one run is refused while the first is alive', () => {
    const dir = runFolder();
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), started: '2026-01-01T00:00:00Z', what: 'msflow train --resume' }));
    expect(() => lockRun(dir)).toThrow(DetectorError);
    expect(() => lockRun(dir)).toThrow(new RegExp(`^${dir}: another process \\(pid ${process.ppid} on `));
  });
});
