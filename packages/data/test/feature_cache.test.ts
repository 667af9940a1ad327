import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, decodeSafetensors, featureSource, type FeatureSet } from '@msflow/core';
import { readFileSync } from 'node:fs';
import { Float16CacheWriter, cacheFeatures, openFloat16Cache } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'msflow-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shapes: [number, number, number][] = [[4, 4, 3], [2, 2, 5]];
function batch(n: number, seed: number): FeatureSet {
  const rng = new Rng(seed);
  return { count: n, scales: shapes.map((s) => ({ shape: s, data: rng.normalArray(n * s[0] * s[1] * s[2]) })) };
}

describe('float16 feature cache', () => {
  it('stores batches on disk and reads any rows back within float16 precision', async () => {
    const parts = [batch(3, 1), batch(2, 2)];
    const path = join(dir, 'a.safetensors');
    const w = new Float16CacheWriter(path, 5, shapes);
    parts.forEach((p) => w.append(p));
    const source = w.finish();
    expect(source.count).toBe(5);
    expect(source.shapes).toEqual(shapes);
    for (let l = 0; l < shapes.length; l++) {
      const rows = await source.read(l, [4, 0]);
      const per = shapes[l][0] * shapes[l][1] * shapes[l][2];
      const want = [parts[1].scales[l].data.subarray(per, 2 * per), parts[0].scales[l].data.subarray(0, per)];
      want.forEach((w, j) => w.forEach((v, k) => expect(Math.abs(rows[j * per + k] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -24)));
    }
    // It is a valid safetensors file.
    const st = decodeSafetensors(readFileSync(path));
    expect(st.tensors.get('scale1')?.shape).toEqual([5, 2, 2, 5]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves nothing behind when a run stops early, and rejects wrong shapes and foreign files', () => {
    const path = join(dir, 'b.safetensors');
    const w = new Float16CacheWriter(path, 4, shapes);
    w.append(batch(2, 3));
    expect(() => w.append({ count: 1, scales: [{ shape: [4, 4, 2], data: new Float32Array(32) }, batch(1, 4).scales[1]] })).toThrow(/scale 0 is \[4,4,2\]/);
    expect(() => w.finish()).toThrow(/got 2 of 4 images/);
    expect(readdirSync(dir).filter((f) => f.startsWith('.b.') || f === 'b.safetensors')).toEqual([]);
    writeFileSync(join(dir, 'junk.safetensors'), 'junk');
    expect(() => openFloat16Cache(join(dir, 'junk.safetensors'))).toThrow(/junk.safetensors: not a readable feature cache/);
  });

  it('keeps small feature sets in memory and large ones on disk', async () => {
    const parts = [batch(2, 5), batch(2, 6)];
    const mem = await cacheFeatures(parts, { count: 4, shapes });
    expect(mem.where).toBe('memory');
    const disk = await cacheFeatures(parts, { count: 4, shapes, memoryLimitBytes: 10, path: join(dir, 'c.safetensors') });
    expect(disk.where).toBe('disk');
    const a = await featureSource(mem.features).read(1, [3]);
    const b = await featureSource(disk.features).read(1, [3]);
    a.forEach((v, k) => expect(Math.abs(b[k] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -24));
    await expect(cacheFeatures(parts, { count: 4, shapes, memoryLimitBytes: 10 })).rejects.toThrow(/no cache path/);
  });
});
