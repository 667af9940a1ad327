import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@msflow/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatasetError,
  DatasetScanError,
  encodePng,
  folderDataset,
  mvtecDataset,
  IMAGENET,
  normalizeRgb8,
  visaDataset,
  writeImageSync,
  writeSyntheticClass,
  type WrittenClass,
} from '../src/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
let mv: WrittenClass;
let visa: WrittenClass;
let grey: WrittenClass;

beforeAll(() => {
  mv = writeSyntheticClass(tmp.dir, { family: 'tiles', size: 48, seed: 1, trainCount: 5, testGoodCount: 3, testAnomalyCount: 7, className: 'tiles48' });
  visa = writeSyntheticClass(join(tmp.dir, 'visa'), { family: 'object', size: 40, seed: 2, trainCount: 3, testGoodCount: 2, testAnomalyCount: 4, layout: 'visa', format: 'jpg', className: 'obj' });
  grey = writeSyntheticClass(tmp.dir, { family: 'grain', size: 32, seed: 3, trainCount: 2, testGoodCount: 1, testAnomalyCount: 2, grayscale: true, className: 'grey' });
});
afterAll(tmp.cleanup);

describe('MVTec layout', () => {
  it('lists train/good and sorted test types with labels and masks', () => {
    const train = mvtecDataset({ root: tmp.dir, className: 'tiles48', split: 'train', size: 48 });
    expect(train.length).toBe(5);
    expect(train.hasMasks).toBe(false);
    expect(train.entries.map((e) => e.path.split('/').slice(-3).join('/'))).toEqual(['train/good/000.png', 'train/good/001.png', 'train/good/002.png', 'train/good/003.png', 'train/good/004.png']);
    const test = mvtecDataset({ root: tmp.dir, className: 'tiles48', split: 'test', size: 48 });
    expect(test.length).toBe(10);
    const types = test.entries.map((e) => e.type);
    expect(types).toEqual([...types].sort());
    expect(new Set(types)).toEqual(new Set(['blob', 'color', 'crack', 'good', 'hole', 'missing', 'scratch', 'stain']));
    expect(test.entries.every((e) => (e.type === 'good' ? e.label === 0 && !e.maskPath : e.label === 1 && e.maskPath?.endsWith('_mask.png')))).toBe(true);
    expect([...test.labels()]).toEqual(test.entries.map((e) => e.label));
  });

  it('samples equal the generated pixels and masks at native size (identity transform)', async () => {
    const test = mvtecDataset({ root: tmp.dir, className: 'tiles48', split: 'test', size: 48, keepRgb: true });
    for (let i = 0; i < test.length; i++) {
      const s = await test.get(i);
      const g = mv.data.test[i];
      expect(s.type).toBe(g.type);
      expect(s.image.length).toBe(48 * 48 * 3);
      // Datasets yield RGB in [0, 1] unless told to normalise: the backbone normalises its own input.
      expect([...s.image]).toEqual([...normalizeRgb8(g.image.data as Uint8Array, 3, null)]);
      expect([...s.mask!]).toEqual([...g.mask]);
      expect([...s.rgb!]).toEqual([...g.image.data]);
      expect(s.originalSize).toEqual({ height: 48, width: 48 });
    }
    const sync = test.getSync(3);
    expect([...sync.image]).toEqual([...(await test.get(3)).image]);
  });

  it('resizes to the input size; normal test images get all-zero masks', async () => {
    const test = mvtecDataset({ root: tmp.dir, className: 'tiles48', split: 'test', size: [24, 32] });
    const good = test.entries.findIndex((e) => e.type === 'good');
    const bad = test.entries.findIndex((e) => e.type === 'hole');
    const g = await test.get(good);
    const b = await test.get(bad);
    expect(g.image.length).toBe(24 * 32 * 3);
    expect(g.mask!.length).toBe(24 * 32);
    expect(g.mask!.every((v) => v === 0)).toBe(true);
    expect(b.mask!.some((v) => v === 1)).toBe(true);
    expect(b.mask!.every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('batches: contiguous buffers, dropLast, seeded shuffle', async () => {
    const test = mvtecDataset({ root: tmp.dir, className: 'tiles48', split: 'test', size: 16 });
    const batches = [];
    for await (const b of test.batches(4)) batches.push(b);
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(batches[0].images.length).toBe(4 * 16 * 16 * 3);
    expect(batches[0].masks!.length).toBe(4 * 16 * 16);
    expect([...batches.flatMap((b) => [...b.labels])]).toEqual([...test.labels()]);
    const dropped = [];
    for await (const b of test.batches(4, { dropLast: true })) dropped.push(b.size);
    expect(dropped).toEqual([4, 4]);
    const order = (seed: number) => test.order({ shuffle: true, seed });
    expect(order(5)).toEqual(order(5));
    expect(order(5)).not.toEqual(order(6));
    expect([...order(5)].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    // The shuffle is the core Rng's Fisher-Yates, so a caller's generator drives it.
    expect(test.order({ shuffle: true, rng: new Rng(5) })).toEqual(new Rng(5).permutation(10));
    const shuffled = [];
    for await (const s of test.samples({ shuffle: true, seed: 5 })) shuffled.push(s.index);
    expect(shuffled).toEqual(order(5));
    const sub = test.subset([9, 0]);
    expect(sub.entries.map((e) => e.path)).toEqual([test.entries[9].path, test.entries[0].path]);
  });

  it('validate() passes on good data', async () => {
    const report = await mvtecDataset({ root: tmp.dir, className: 'tiles48', split: 'test', size: 16 }).validate();
    expect(report).toMatchObject({ images: 10, masks: 7, normal: 3, anomalous: 7 });
  });

  it('greyscale PNGs become 3 equal channels', async () => {
    const ds = mvtecDataset({ root: tmp.dir, className: 'grey', split: 'train', size: 20 });
    const s = await ds.get(0);
    expect(grey.data.train[0].image.channels).toBe(1);
    for (let i = 0; i < 20 * 20; i++) {
      // RGB in [0, 1] (no normalisation by default): the three channels are equal.
      expect(s.image[i * 3 + 1]).toBe(s.image[i * 3]);
      expect(s.image[i * 3 + 2]).toBe(s.image[i * 3]);
    }
    // With ImageNet normalisation asked for, they differ only by each channel's mean and std.
    const n = await mvtecDataset({ root: tmp.dir, className: 'grey', split: 'train', size: 20, normalization: IMAGENET }).get(0);
    for (let i = 0; i < 20 * 20; i++) {
      const r = n.image[i * 3] * 0.229 + 0.485;
      const g = n.image[i * 3 + 1] * 0.224 + 0.456;
      expect(Math.abs(r - g)).toBeLessThan(1e-5);
      expect(Math.abs(r - s.image[i * 3])).toBeLessThan(1e-5);
    }
  });
});

describe('VisA 1-class layout', () => {
  it('loads test/good + test/bad with ground_truth/bad/<stem>.png masks (JPEG images)', async () => {
    const test = visaDataset({ root: join(tmp.dir, 'visa'), className: 'obj', split: 'test', size: 40 });
    expect(test.length).toBe(6);
    expect(test.entries.map((e) => e.type)).toEqual(['bad', 'bad', 'bad', 'bad', 'good', 'good']);
    expect(test.entries[0].maskPath!.endsWith(join('ground_truth', 'bad', '000.png'))).toBe(true);
    const s = await test.get(0);
    expect([...s.mask!]).toEqual([...visa.data.test.filter((t) => t.label === 1)[0].mask]);
    const train = visaDataset({ root: join(tmp.dir, 'visa'), className: 'obj', split: 'train', size: 20 });
    expect(train.length).toBe(3);
    expect((await train.get(2)).image.length).toBe(20 * 20 * 3);
  });
});

describe('folder dataset', () => {
  it('normal + abnormal + masks, and without masks', async () => {
    const root = join(tmp.dir, 'folder');
    const bad = mv.data.test.filter((t) => t.label === 1);
    mv.data.train.forEach((t, i) => writeImageSync(join(root, 'ok', `n${i}.png`), t.image));
    bad.forEach((t, i) => {
      writeImageSync(join(root, 'defect', `d${i}.jpg`), t.image);
      const m = Uint8Array.from(t.mask, (v) => v * 255);
      writeImageSync(join(root, 'masks', i % 2 ? `d${i}.png` : `d${i}_mask.png`), { width: 48, height: 48, channels: 1, depth: 8, data: m });
    });
    writeFileSync(join(root, 'ok', 'notes.txt'), 'ignored');
    const ds = folderDataset({ normalDir: join(root, 'ok'), abnormalDir: join(root, 'defect'), maskDir: join(root, 'masks'), size: 48 });
    expect(ds.length).toBe(5 + bad.length);
    expect(ds.hasMasks).toBe(true);
    expect(ds.ignoredFiles.map((f) => f.split('/').pop())).toEqual(['notes.txt']);
    const last = await ds.get(ds.length - 1);
    expect(last.label).toBe(1);
    expect(last.type).toBe('defect');
    expect([...last.mask!]).toEqual([...bad[bad.length - 1].mask]);
    const noMasks = folderDataset({ normalDir: join(root, 'ok'), abnormalDir: join(root, 'defect'), size: 32 });
    expect(noMasks.hasMasks).toBe(false);
    expect((await noMasks.get(6)).mask).toBeUndefined();
    const trainOnly = folderDataset({ normalDir: join(root, 'ok'), size: 32 });
    expect([...trainOnly.labels()]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('errors', () => {
  it('missing folders and empty training sets give one-line errors naming the path', () => {
    const missing = () => mvtecDataset({ root: tmp.dir, className: 'nope', split: 'train', size: 8 });
    expect(missing).toThrow(DatasetError);
    expect(missing).toThrow(new RegExp(`^${join(tmp.dir, 'nope')}: folder not found \\(expected .*train/good.*\\)$`));
    mkdirSync(join(tmp.dir, 'empty', 'train', 'good'), { recursive: true });
    expect(() => mvtecDataset({ root: tmp.dir, className: 'empty', split: 'train', size: 8 })).toThrow(/train\/good: no training images \(expected \*\.png/);
    expect(() => mvtecDataset({ root: tmp.dir, className: 'empty', split: 'test', size: 8 })).toThrow(/empty\/test: folder not found/);
    expect(() => folderDataset({ normalDir: join(tmp.dir, 'zzz'), size: 8 })).toThrow(/zzz: folder not found \(expected normal images/);
    expect(() => mvtecDataset({ root: tmp.dir, className: 'tiles48', split: 'val' as 'train', size: 8 })).toThrow(/unknown split 'val'/);
  });

  it('missing masks are all listed in one error', () => {
    const d = writeSyntheticClass(join(tmp.dir, 'nomask'), { family: 'noise', size: 24, trainCount: 1, testGoodCount: 1, testAnomalyCount: 3, kinds: ['hole'], className: 'c' });
    rmSync(join(d.classDir, 'ground_truth'), { recursive: true });
    let err: unknown;
    try {
      mvtecDataset({ root: join(tmp.dir, 'nomask'), className: 'c', split: 'test', size: 24 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetScanError);
    expect((err as DatasetScanError).problems.map((p) => p.path.split('/').pop())).toEqual(['000.png', '001.png', '002.png']);
    expect((err as Error).message).toMatch(/3 bad files/);
    // Masks can be switched off.
    expect(mvtecDataset({ root: join(tmp.dir, 'nomask'), className: 'c', split: 'test', size: 24, masks: 'ignore' }).hasMasks).toBe(false);
  });

  it('validate() reports every bad file at once; loading one names the file', async () => {
    const d = writeSyntheticClass(join(tmp.dir, 'bad'), { family: 'woven', size: 24, trainCount: 1, testGoodCount: 2, testAnomalyCount: 2, kinds: ['stain'], className: 'c' });
    writeFileSync(join(d.classDir, 'test', 'good', '000.png'), 'not a png');
    const png = encodePng({ width: 24, height: 24, channels: 3, depth: 8, data: new Uint8Array(24 * 24 * 3) });
    writeFileSync(join(d.classDir, 'test', 'good', '001.png'), png.subarray(0, png.length - 30));
    writeImageSync(join(d.classDir, 'ground_truth', 'stain', '001_mask.png'), { width: 10, height: 10, channels: 1, depth: 8, data: new Uint8Array(100) });
    const ds = mvtecDataset({ root: join(tmp.dir, 'bad'), className: 'c', split: 'test', size: 24 });
    let err: unknown;
    try {
      await ds.validate();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetScanError);
    const problems = (err as DatasetScanError).problems;
    expect(problems.map((p) => p.path.split('/').slice(-2).join('/'))).toEqual(['stain/001_mask.png', 'good/000.png', 'good/001.png']);
    expect(problems[1].reason).toMatch(/unsupported image format/);
    expect(problems[2].reason).toMatch(/PNG: /);
    expect(problems[0].reason).toMatch(/mask is 10x10 but its image is 24x24/);
    const bad = ds.entries.findIndex((e) => e.path.endsWith(join('good', '000.png')));
    await expect(ds.get(bad)).rejects.toThrow(/good\/000\.png: unsupported image format/);
  });
});

describe('16-bit PNG in a dataset', () => {
  it('loads 16-bit RGB', async () => {
    const dir = join(tmp.dir, 'sixteen', 'c', 'train', 'good');
    const data = Uint16Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 1000) % 65536);
    writeImageSync(join(dir, 'a.png'), { width: 8, height: 8, channels: 3, depth: 16, data });
    const s = await mvtecDataset({ root: join(tmp.dir, 'sixteen'), className: 'c', split: 'train', size: 8, normalization: null }).get(0);
    s.image.forEach((v, i) => expect(v).toBeCloseTo(data[i] / 65535, 6));
  });
});
