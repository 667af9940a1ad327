import type { GpuKernel } from './gpujs.js';

/**
 * Compiled kernels by key (kernel name + the shape/attribute spec its source was generated
 * from). Least recently used kernels beyond `capacity` are destroyed: a conformance run or a
 * shape sweep would otherwise keep hundreds of compiled programs alive.
 *
 * @example
 * ```ts
 * const cache = new KernelCache(64);
 * const k = cache.get('Neg#4#{}', () => gpu.createKernel(source, settings)); // compiles
 * cache.get('Neg#4#{}', () => { throw new Error('not called'); });          // cache hit
 * console.log(cache.stats()); // { size: 1, compiled: 1, hits: 1 }
 * ```
 */
export class KernelCache {
  private readonly map = new Map<string, GpuKernel>();
  private compiled = 0;
  private hitCount = 0;

  constructor(private readonly capacity = 512) {}

  /** The kernel under `key`, compiling it with `build` on a miss. */
  get(key: string, build: () => GpuKernel): GpuKernel {
    const hit = this.map.get(key);
    if (hit) {
      this.hitCount++;
      // Re-insert: Map iteration order is insertion order, so the first entry is the LRU one.
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const kernel = build();
    this.compiled++;
    this.map.set(key, kernel);
    if (this.map.size > this.capacity) {
      const [oldKey, old] = this.map.entries().next().value as [string, GpuKernel];
      this.map.delete(oldKey);
      old.destroy();
    }
    return kernel;
  }

  /** Kernels held, compiled so far and cache hits so far. */
  stats(): { size: number; compiled: number; hits: number } {
    return { size: this.map.size, compiled: this.compiled, hits: this.hitCount };
  }

  /** Destroys every cached kernel. */
  clear(): void {
    for (const k of this.map.values()) k.destroy();
    this.map.clear();
  }
}
