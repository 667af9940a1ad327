/// <reference types="@webgpu/types" />
import { WebgpuError, formatBytes } from './errors.js';

/** Counters of one {@link BufferPool}. */
export interface PoolStats {
  /** Buffers handed out and not yet released. */
  liveBuffers: number;
  liveBytes: number;
  /** Released buffers kept for reuse (including those waiting for the next submit). */
  pooledBuffers: number;
  pooledBytes: number;
  /** `createBuffer` calls so far. */
  created: number;
  /** Acquisitions served from the pool. */
  reused: number;
}

/** Options of {@link BufferPool}. */
export interface BufferPoolOptions {
  /** Usage flags of every buffer of this pool. */
  usage: GPUBufferUsageFlags;
  /** Label prefix for created buffers. */
  label: string;
  /** Released bytes kept for reuse before the oldest size classes are destroyed. Default 1 GiB. */
  maxPooledBytes?: number;
  /** Hard cap on live + pooled bytes; exceeding it throws `out-of-memory`. Default: none. */
  memoryLimitBytes?: number;
  /** Smallest buffer in bytes. Default 256. */
  minBytes?: number;
}

/**
 * Size class of a request: four classes per power of two (so at most 25% is wasted), never
 * below `min`. Class sizes are multiples of 4, as mapping and copies need.
 */
export function sizeClass(bytes: number, min = 256): number {
  if (bytes <= min) return min;
  const octave = 2 ** Math.floor(Math.log2(bytes));
  const step = Math.max(4, octave / 4);
  return Math.ceil(bytes / step) * step;
}

/**
 * A pool of GPU buffers sorted into size classes. Buffers released while commands that use
 * them are still being recorded go to a pending list: GPU-written outputs may reuse them at
 * once (commands of one encoder run in order), but buffers filled by `queue.writeBuffer` come
 * only from the free list, which {@link recycle} refills after each submit, so a write can never
 * overtake commands recorded before it.
 *
 * @example
 * ```ts
 * const pool = new BufferPool(device, { usage: BufferUsage.STORAGE | BufferUsage.COPY_DST, label: 'tensor' });
 * const buf = pool.acquire(1000); // a 1024-byte buffer, safe to fill with queue.writeBuffer
 * pool.release(buf); // a GPU-written output may take it again now: pool.acquire(1000, true)
 * queue.submit([commands]);
 * pool.recycle(); // now any acquire may take it
 * ```
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pending = new Map<number, GPUBuffer[]>();
  private readonly all = new Set<GPUBuffer>();
  private readonly opts: Required<BufferPoolOptions>;
  private stats_: PoolStats = { liveBuffers: 0, liveBytes: 0, pooledBuffers: 0, pooledBytes: 0, created: 0, reused: 0 };

  constructor(
    private readonly device: GPUDevice,
    options: BufferPoolOptions,
  ) {
    this.opts = { maxPooledBytes: 2 ** 30, memoryLimitBytes: Infinity, minBytes: 256, ...options };
  }

  /**
   * A buffer of at least `bytes` bytes. `gpuWritten`: the buffer will be filled by recorded GPU
   * commands (not by `queue.writeBuffer`), so one released during this recording may be reused.
   */
  acquire(bytes: number, gpuWritten = false): GPUBuffer {
    const size = sizeClass(bytes, this.opts.minBytes);
    const pending = gpuWritten ? this.pending.get(size) : undefined;
    const list = pending && pending.length > 0 ? pending : this.free.get(size);
    const st = this.stats_;
    if (list && list.length > 0) {
      const buf = list.pop()!;
      st.pooledBuffers--;
      st.pooledBytes -= size;
      st.liveBuffers++;
      st.liveBytes += size;
      st.reused++;
      return buf;
    }
    if (st.liveBytes + st.pooledBytes + size > this.opts.memoryLimitBytes) this.trim();
    if (st.liveBytes + st.pooledBytes + size > this.opts.memoryLimitBytes) {
      throw new WebgpuError(
        'out-of-memory',
        `allocating ${formatBytes(size)} would exceed the memory limit of ${formatBytes(this.opts.memoryLimitBytes)} ` +
          `(${formatBytes(st.liveBytes)} in use by ${st.liveBuffers} buffers)`,
      );
    }
    const buf = this.device.createBuffer({ size, usage: this.opts.usage, label: `${this.opts.label}:${size}` });
    this.all.add(buf);
    st.created++;
    st.liveBuffers++;
    st.liveBytes += size;
    return buf;
  }

  /** Returns a buffer; it becomes reusable after the next {@link recycle}. */
  release(buf: GPUBuffer): void {
    if (!this.all.has(buf)) return;
    let list = this.pending.get(buf.size);
    if (!list) this.pending.set(buf.size, (list = []));
    list.push(buf);
    const st = this.stats_;
    st.liveBuffers--;
    st.liveBytes -= buf.size;
    st.pooledBuffers++;
    st.pooledBytes += buf.size;
  }

  /** Makes buffers released before the last submit reusable; trims the pool when too big. */
  recycle(): void {
    for (const [size, bufs] of this.pending) {
      const list = this.free.get(size);
      if (list) list.push(...bufs);
      else this.free.set(size, bufs);
    }
    this.pending = new Map();
    if (this.stats_.pooledBytes > this.opts.maxPooledBytes) this.trim(this.opts.maxPooledBytes / 2);
  }

  /** Destroys reusable buffers, largest classes first, until at most `keepBytes` stay pooled. */
  trim(keepBytes = 0): void {
    const sizes = [...this.free.keys()].sort((a, b) => b - a);
    for (const size of sizes) {
      const list = this.free.get(size)!;
      while (list.length > 0 && this.stats_.pooledBytes > keepBytes) {
        const buf = list.pop()!;
        this.all.delete(buf);
        buf.destroy();
        this.stats_.pooledBuffers--;
        this.stats_.pooledBytes -= size;
      }
      if (list.length === 0) this.free.delete(size);
    }
  }

  get stats(): Readonly<PoolStats> {
    return { ...this.stats_ };
  }

  /** Destroys every buffer this pool ever created, live ones included. */
  destroy(): void {
    for (const buf of this.all) buf.destroy();
    this.all.clear();
    this.free.clear();
    this.pending = new Map();
    this.stats_ = { ...this.stats_, liveBuffers: 0, liveBytes: 0, pooledBuffers: 0, pooledBytes: 0 };
  }
}
