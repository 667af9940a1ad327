/**
 * Loads the real classes in `<repo>/../shared/data/` (never copied into the repository). Skipped,
 * with the reason printed, when that folder is absent.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mvtecDataset } from '../src/index.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DATA = resolve(repo, '..', 'shared', 'data');
const present = (cls: string): boolean => existsSync(join(DATA, cls, 'train', 'good'));
for (const cls of ['tire', 'magnetic_tile']) {
  if (!present(cls)) console.warn(`real-data tests for '${cls}' skipped: ${join(DATA, cls)} not found (the shared data folder is not mounted here)`);
}

describe.skipIf(!present('tire'))('real data: tire (MVTec layout, 300x400 RGB PNG)', () => {
  it('lists and loads train and test, masks included', async () => {
    const train = mvtecDataset({ root: DATA, className: 'tire', split: 'train', size: 128 });
    expect(train.length).toBe(210);
    const t0 = await train.get(0);
    expect(t0.originalSize).toEqual({ height: 400, width: 300 });
    expect(t0.image.length).toBe(128 * 128 * 3);
    expect(t0.image.every(Number.isFinite)).toBe(true);
    const test = mvtecDataset({ root: DATA, className: 'tire', split: 'test', size: 128 });
    expect(test.length).toBe(112);
    expect([...new Set(test.entries.map((e) => e.type))]).toEqual(['combined', 'contamination', 'cut', 'good', 'hole']);
    expect(test.entries.filter((e) => e.label === 0).length).toBe(25);
    const bad = await test.get(test.entries.findIndex((e) => e.type === 'cut'));
    expect(bad.mask!.some((v) => v === 1)).toBe(true);
    const report = await test.validate();
    expect(report).toMatchObject({ images: 112, masks: 87, normal: 25, anomalous: 87 });
  });
});

describe.skipIf(!present('magnetic_tile'))('real data: magnetic_tile (greyscale JPEG, varying sizes)', () => {
  it('loads greyscale JPEGs of varying sizes as 3 equal channels, with masks', async () => {
    const train = mvtecDataset({ root: DATA, className: 'magnetic_tile', split: 'train', size: 64, normalization: null });
    expect(train.length).toBe(761);
    const s = await train.get(0);
    for (let i = 0; i < 64 * 64; i++) expect(s.image[i * 3]).toBe(s.image[i * 3 + 1]);
    const test = mvtecDataset({ root: DATA, className: 'magnetic_tile', split: 'test', size: 64 });
    const types = [...new Set(test.entries.map((e) => e.type))];
    expect(types).toEqual(['blowhole', 'break', 'crack', 'fray', 'good', 'uneven']);
    expect(test.entries.filter((e) => e.label === 1).length).toBe(392);
    const sizes = new Set<string>();
    for await (const b of test.batches(64, { indices: [0, 1, 2, 100, 200, 300, 400, 500] })) {
      b.entries.forEach((e, k) => expect(b.labels[k]).toBe(e.label));
    }
    for (const i of [0, 150, 300]) {
      const x = await test.get(i);
      sizes.add(`${x.originalSize.width}x${x.originalSize.height}`);
      if (x.label === 1) expect(x.mask!.some((v) => v === 1)).toBe(true);
    }
    expect(sizes.size).toBeGreaterThan(1);
    const report = await test.validate();
    expect(report.images).toBe(test.length);
  });
});
