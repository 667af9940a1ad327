import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeFlags, readConfigFile } from '../src/util/config.js';
import { UsageError, intFlag } from '../src/util/errors.js';
import { createRunDir, pointLatest, writeFileAtomic } from '../src/util/files.js';
import { distinctFormat, table } from '../src/util/output.js';
import { resolveTrainSettings, sizeFlag } from '../src/pipeline/settings.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'msflow-cli-'));

describe('files', () => {
  it('writes atomically and leaves no temp file behind', () => {
    const dir = tmp();
    writeFileAtomic(join(dir, 'a', 'b.json'), '{"x":1}');
    expect(readFileSync(join(dir, 'a', 'b.json'), 'utf8')).toBe('{"x":1}');
    expect(readdirSync(join(dir, 'a'))).toEqual(['b.json']);
  });

  it('creates distinct run folders; latest moves only when pointed there', () => {
    const root = tmp();
    const now = new Date('2026-01-02T03:04:05.678Z');
    const a = createRunDir(root, 'bottle', now);
    const b = createRunDir(root, 'bottle', now);
    expect(a).not.toBe(b);
    expect(existsSync(join(root, 'bottle', 'latest'))).toBe(false);
    pointLatest(b);
    expect(readlinkSync(join(root, 'bottle', 'latest'))).toBe(b.split('/').pop());
  });
});

describe('config', () => {
  it('reads JSON and YAML, flags override', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'c.yaml'), 'epochs: 3\nbatchSize: 4\n');
    writeFileSync(join(dir, 'c.json'), '{"epochs": 5}');
    expect(readConfigFile(join(dir, 'c.yaml'))).toEqual({ epochs: 3, batchSize: 4 });
    expect(mergeFlags(readConfigFile(join(dir, 'c.json')), { epochs: 7, seed: undefined })).toEqual({ epochs: 7 });
  });

  it('names the file when it is missing or malformed', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.json'), '{nope');
    expect(() => readConfigFile(join(dir, 'bad.json'))).toThrow(/bad\.json is not valid JSON/);
    expect(() => readConfigFile(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml does not exist/);
    writeFileSync(join(dir, 'list.json'), '[1]');
    expect(() => readConfigFile(join(dir, 'list.json'))).toThrow(UsageError);
  });
});

describe('flags and tables', () => {
  it('rejects non-integers naming the flag', () => {
    expect(intFlag('3', '--epochs', 1)).toBe(3);
    expect(() => intFlag('x', '--epochs', 1)).toThrow("--epochs: expected an integer >= 1, got 'x'");
    expect(() => intFlag('0', '--epochs', 1)).toThrow(UsageError);
  });

  it('reads --size as N or HxW (height x width), multiples of 32, into the model config', () => {
    expect(sizeFlag('256')).toEqual([256, 256]);
    expect(sizeFlag(320)).toEqual([320, 320]);
    expect(sizeFlag('288x384')).toEqual([288, 384]);
    for (const bad of ['100', '288x100', '288x', 'x384', '256,256', '-32', '0']) expect(() => sizeFlag(bad)).toThrow(/^--size: expected N or HxW/);
    const s = resolveTrainSettings({ data: 'd', class: 'c', size: '384x288' });
    expect(s.config.inputSize).toEqual([384, 288]);
  });

  it('holds out 20 % of the normal images and chooses the threshold at FPR 1 % unless told otherwise', () => {
    const s = resolveTrainSettings({ data: 'd', class: 'c' });
    expect([s.valSplit, s.fpr]).toEqual([0.2, 0.01]);
    expect(resolveTrainSettings({ data: 'd', class: 'c', valSplit: '0', fpr: '0.05' })).toMatchObject({ valSplit: 0, fpr: 0.05 });
    expect(() => resolveTrainSettings({ data: 'd', class: 'c', fpr: '0.6' })).toThrow("--fpr: expected a number in [0, 0.5], got '0.6'");
  });

  it('prints a score column with enough digits that different scores never print the same', () => {
    const scores = [12.3456781, 12.3456789, 140.25, 140.25, 3];
    const f = distinctFormat(scores);
    expect(scores.map(f)).toEqual(['12.345678', '12.345679', '140.25000', '140.25000', '3.0000000']);
    expect(distinctFormat([1, 2])(1.5)).toBe('1.50000');
    expect(distinctFormat([0.1, 0.1 + 2 ** -55])(0.1)).toHaveLength(19); // differ only in float64's last bits: 17 digits
    expect(distinctFormat([1, NaN])(NaN)).toBe('-');
  });

  it('aligns table columns', () => {
    const t = table(['a', 'bb'], [['xxx', 1]]).split('\n');
    expect(t[0]).toBe('a    bb');
    expect(t[2]).toBe('xxx  1');
  });
});
