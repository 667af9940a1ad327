// `latest` moves only to a run with a complete checkpoint (issue 28, case 4): a new run whose
// first save fails (disk full, or killed) leaves no folder and `latest` where it was.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MSFlowModel, setBackend } from '@msflow/core';
import { createReferenceBackend, tinyMSFlowConfig } from '@msflow/core/testing';
import { readCheckpoint, writeCheckpoint } from '@msflow/detector';
import { FaultyOps } from '@msflow/data/testing';
import { LazyRunDir, removeStaleFeatureCaches } from '../src/pipeline/run_dir.js';

beforeAll(() => setBackend(createReferenceBackend()));

async function firstSave(root: string, ops?: FaultyOps): Promise<{ run: LazyRunDir; error?: unknown }> {
  const run = new LazyRunDir(root, 'cls');
  const model = MSFlowModel.create(tinyMSFlowConfig());
  try {
    await writeCheckpoint(join(run.path(), 'model'), model, { cli: { backbone: 'random', thresholds: {} }, ops });
    run.markSaved();
    return { run };
  } catch (error) {
    return { run, error };
  } finally {
    model.dispose();
    run.close();
  }
}

describe('run folders (issue 28)', () => {
  it('case 4: a new run whose first save fails at any step leaves no folder, and latest stays on the last complete run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'msflow-rundir-'));
    const good = await firstSave(root);
    expect(good.error).toBeUndefined();
    const latest = () => readlinkSync(join(root, 'cls', 'latest'));
    expect(latest()).toBe(good.run.created!.split('/').pop());
    expect(readdirSync(good.run.created!).sort()).toEqual(['model.json', 'model.safetensors']); // the lock is gone
    for (let at = 1; at <= 2; at++) {
      const failed = await firstSave(root, new FaultyOps(at, 'fail'));
      expect(String(failed.error)).toMatch(/cannot write .*model\.(safetensors|json): disk full \(ENOSPC\)/);
      expect(existsSync(failed.run.created!)).toBe(false);
      expect(latest()).toBe(good.run.created!.split('/').pop());
      expect(readCheckpoint(join(root, 'cls')).sidecar.format).toBe('msflow-ts-checkpoint');
    }
    expect(readdirSync(join(root, 'cls')).sort()).toEqual([good.run.created!.split('/').pop(), 'latest'].sort());
  });

  it('case 3: feature caches of killed runs are removed, those of live processes kept', () => {
    const root = mkdtempSync(join(tmpdir(), 'msflow-cache-'));
    const cache = join(root, '.feature-cache');
    const files = ['cls-999999999.safetensors', 'cls-999999999-shifted.safetensors', '.cls-999999999.safetensors.999999999.tmp', `cls-${process.pid}.safetensors`];
    for (const f of files) touch(join(cache, f));
    expect(removeStaleFeatureCaches(cache).sort()).toEqual(files.slice(0, 3).sort());
    expect(readdirSync(cache)).toEqual([`cls-${process.pid}.safetensors`]);
  });
});

function touch(path: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, 'x');
}
