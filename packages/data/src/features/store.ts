import { totalmem } from 'node:os';
import type { FeatureSet, FeatureSource } from '@msflow/core';
import { Float16CacheWriter } from './float16_cache.js';

/** Options of {@link cacheFeatures}. */
export interface CacheFeaturesOptions {
  /** Images that will be appended. */
  count: number;
  /** [h, w, c] of each scale. */
  shapes: readonly (readonly [number, number, number])[];
  /** `memory`, `disk` (float16 file at `path`), or `auto`: memory when float32 features fit in `memoryLimitBytes`. */
  mode?: 'auto' | 'memory' | 'disk';
  /** Where the disk cache goes (needed unless mode is `memory`). */
  path?: string;
  /** Default: a quarter of the machine's memory. */
  memoryLimitBytes?: number;
}

/** Where {@link cacheFeatures} keeps features, and the features themselves. */
export interface CachedFeatures {
  where: 'memory' | 'disk';
  bytes: number;
  features: FeatureSet | FeatureSource;
}

/**
 * Collects the frozen backbone's pooled features batch by batch, in memory (float32) when they fit,
 * else in a float16 file on disk, and returns them ready for the trainer.
 *
 * @example
 * ```ts
 * const cached = await cacheFeatures(extractBatches(), { count: 200, shapes, path: 'runs/a/features.safetensors' });
 * await new Trainer(model).run(cached.features);
 * ```
 */
export async function cacheFeatures(batches: AsyncIterable<FeatureSet> | Iterable<FeatureSet>, options: CacheFeaturesOptions): Promise<CachedFeatures> {
  const perImage = options.shapes.reduce((n, [h, w, c]) => n + h * w * c, 0);
  const bytes = perImage * options.count * 4;
  const limit = options.memoryLimitBytes ?? totalmem() / 4;
  const mode = options.mode ?? 'auto';
  const disk = mode === 'disk' || (mode === 'auto' && bytes > limit);
  if (!disk) {
    const parts: FeatureSet[] = [];
    for await (const b of batches) parts.push(b);
    return { where: 'memory', bytes, features: concatFeatureSets(parts, options.shapes) };
  }
  if (!options.path) throw new Error(`features need ${(bytes / 2 ** 30).toFixed(1)} GiB, more than the memory limit, and no cache path was given`);
  const writer = new Float16CacheWriter(options.path, options.count, options.shapes);
  try {
    for await (const b of batches) writer.append(b);
    return { where: 'disk', bytes: bytes / 2, features: writer.finish() };
  } catch (err) {
    writer.abort();
    throw err;
  }
}

/** Concatenates feature sets image-wise. */
export function concatFeatureSets(parts: readonly FeatureSet[], shapes: readonly (readonly [number, number, number])[]): FeatureSet {
  const count = parts.reduce((n, p) => n + p.count, 0);
  return {
    count,
    scales: shapes.map((shape, l) => {
      const per = shape[0] * shape[1] * shape[2];
      const data = new Float32Array(count * per);
      let at = 0;
      for (const p of parts) {
        data.set(p.scales[l].data.subarray(0, p.count * per), at * per);
        at += p.count;
      }
      return { shape: [shape[0], shape[1], shape[2]] as [number, number, number], data };
    }),
  };
}

