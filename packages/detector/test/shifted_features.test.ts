import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureSet } from '@msflow/core';
import type { ImageDataset } from '@msflow/data';
import { describe, expect, it } from 'vitest';
import type { FeatureExtractor } from '../src/backbone/extractor.js';
import { ShiftedFeatures } from '../src/data/shifted_features.js';

// Images whose pixel value is the column index: after a shift of dx the first column holds
// max(0, -dx), so the fake backbone's one feature (the first pixel) reveals each image's shift.
const [H, W, N] = [8, 8, 5];
const dataset = { length: N, size: { height: H, width: W } } as unknown as ImageDataset;

function fakeExtractor(): { fx: FeatureExtractor; calls: { cache: string }[] } {
  const calls: { cache: string }[] = [];
  const fx = {
    backbone: { outputShapes: () => [[1, 1, 1]] },
    async extract(_: ImageDataset, options: { cache: { path: string }; transform: (images: Float32Array, first: number, count: number) => void }) {
      calls.push({ cache: options.cache.path });
      const features = new Float32Array(N);
      for (let first = 0; first < N; first += 2) {
        const count = Math.min(2, N - first);
        const images = new Float32Array(count * H * W * 3);
        for (let i = 0; i < images.length; i++) images[i] = Math.floor(i / 3) % W;
        options.transform(images, first, count);
        for (let n = 0; n < count; n++) features[first + n] = images[n * H * W * 3] + 100 * (first + n);
      }
      const set: FeatureSet = { count: N, scales: [{ shape: [1, 1, 1], data: features }] };
      return { features: set, where: 'memory' };
    },
  } as unknown as FeatureExtractor;
  return { fx, calls };
}

const options = (indices: number[]) => ({ dataset, indices, fraction: 0.45, seed: 7, cache: { mode: 'memory' as const, path: join(mkdtempSync(join(tmpdir(), 'shifted-')), 'c.safetensors') } });
const firstPixels = async (s: ShiftedFeatures) => Array.from(await s.read(0, [0, 1, 2]));

describe('ShiftedFeatures: training features of shifted images, one draw per meta-epoch', () => {
  it('reads the listed training rows of the current draw, with shifts the (seed, round) fixes', async () => {
    const { fx, calls } = fakeExtractor();
    const a = await ShiftedFeatures.open(fx, options([0, 2, 4]), 0);
    expect(a.count).toBe(3);
    expect(a.shapes).toEqual([[1, 1, 1]]);
    const round0 = await firstPixels(a);
    // Row j is training image indices[j]; its first pixel is in [0, W).
    round0.forEach((v, j) => {
      expect(Math.floor(v / 100)).toBe([0, 2, 4][j]);
      expect(v % 100).toBeGreaterThanOrEqual(0);
      expect(v % 100).toBeLessThan(W);
    });
    await a.draw(0);
    expect(calls).toHaveLength(1); // the current round is not drawn again
    await a.draw(1);
    const round1 = await firstPixels(a);
    expect(round1).not.toEqual(round0);
    expect(a.round).toBe(1);
    // A resumed run drawing round 1 first trains on the same features.
    const b = await ShiftedFeatures.open(fakeExtractor().fx, options([0, 2, 4]), 1);
    expect(await firstPixels(b)).toEqual(round1);
    expect(calls[0].cache).toMatch(/c-shifted\.safetensors$/);
  });

  it('shifts every image: over rounds some first columns are the edge (dx >= 0) and some come from further right (dx < 0)', async () => {
    const { fx } = fakeExtractor();
    const s = await ShiftedFeatures.open(fx, options([0, 1, 2, 3, 4]), 0);
    const seen = new Set<number>();
    for (let round = 0; round < 6; round++) {
      await s.draw(round);
      for (const v of await s.read(0, [0, 1, 2, 3, 4])) seen.add(v % 100);
    }
    expect(seen.has(0)).toBe(true);
    expect([...seen].some((v) => v > 0)).toBe(true);
  });

  it('reading while a draw is being extracted fails instead of returning the old draw', async () => {
    const { fx } = fakeExtractor();
    const s = await ShiftedFeatures.open(fx, options([0]), 0);
    const pending = s.draw(1);
    expect(() => s.read(0, [0])).toThrow(/no draw is ready/);
    await pending;
    expect((await s.read(0, [0])).length).toBe(1);
  });
});
