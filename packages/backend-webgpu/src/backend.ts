/// <reference types="@webgpu/types" />
import { KernelBackend, type BackendInfo, type FloatArray } from '@msflow/core';
import { webgpuKernels } from './kernels/index.js';
import { BufferPool, type PoolStats } from './runtime/buffer_pool.js';
import { BufferUsage, F32 } from './runtime/constants.js';
import { describeAdapter, type GpuContext } from './runtime/device.js';
import { KernelRuntime, type KernelOptions } from './runtime/kernel_runtime.js';
import { PipelineCache, type PipelineCacheStats } from './runtime/pipeline_cache.js';
import { CommandQueue, type QueueStats } from './runtime/queue.js';
import type { TensorData } from './runtime/tensor_data.js';
import { DEFAULT_TILE } from './wgsl/gemm.js';

/** Options shared by the Node and browser entries. */
export interface WebgpuBackendOptions extends Partial<KernelOptions> {
  /** Registered name reported by `name` and `info()`. Default `webgpu`. */
  name?: string;
  /** Dispatches recorded before one submit. Default 64. */
  maxDispatchesPerSubmit?: number;
  /** Cap on GPU memory held by tensors and the pool; exceeding it throws `out-of-memory`. */
  memoryLimitBytes?: number;
  /** Released bytes kept for reuse. Default 1 GiB. */
  maxPooledBytes?: number;
  /** Accept a software adapter (SwiftShader, llvmpipe). Default true. */
  allowSoftware?: boolean;
  /** Passed to `requestAdapter`. */
  powerPreference?: GPUPowerPreference;
}

/** Runtime counters of a {@link WebgpuBackend}. */
export interface WebgpuStats {
  readonly tensors: number;
  readonly storage: PoolStats;
  readonly pipelines: PipelineCacheStats;
  readonly queue: QueueStats;
}

/**
 * The msflow backend on WebGPU: every kernel of the core op set as WGSL compute shaders.
 * Kernels record into batched command buffers; values come back only through {@link read}.
 * Build one with `createWebgpuBackend` (Node or browser entry).
 *
 * @example
 * ```ts
 * import { createWebgpuBackend } from '@msflow/backend-webgpu';
 * import { setBackend, tensor, matmul } from '@msflow/core';
 *
 * const backend = await createWebgpuBackend();
 * setBackend(backend);
 * const c = matmul(tensor([1, 2, 3, 4], [2, 2]), tensor([5, 6, 7, 8], [2, 2]));
 * console.log(await c.data()); // Float32Array [19, 22, 43, 50]
 * backend.dispose();
 * ```
 */
export class WebgpuBackend extends KernelBackend<TensorData> {
  readonly ctx: GpuContext;
  /** Allocation and dispatch services of the kernels (for benchmarks and extensions). */
  readonly runtime: KernelRuntime;
  private readonly pools: { storage: BufferPool; uniform: BufferPool; staging: BufferPool };
  private readonly cache: PipelineCache;
  private readonly queue: CommandQueue;
  private readonly detail: string;

  constructor(ctx: GpuContext, source: string, options: WebgpuBackendOptions = {}) {
    const device = ctx.device;
    const pools = {
      storage: new BufferPool(device, {
        usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
        label: 'tensor',
        maxPooledBytes: options.maxPooledBytes,
        memoryLimitBytes: options.memoryLimitBytes,
      }),
      uniform: new BufferPool(device, { usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST, label: 'uniforms' }),
      staging: new BufferPool(device, { usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST, label: 'readback', maxPooledBytes: 64 << 20 }),
    };
    const cache = new PipelineCache(device, (err) => ctx.fail(err));
    const queue = new CommandQueue(ctx, cache, pools, { maxDispatches: options.maxDispatchesPerSubmit });
    const runtime = new KernelRuntime(ctx, pools, cache, queue, {
      fuseElementwise: options.fuseElementwise ?? true,
      conv: options.conv ?? 'auto',
      splitReductions: options.splitReductions ?? true,
      gemmTile: options.gemmTile ?? DEFAULT_TILE,
    });
    super(options.name ?? 'webgpu', webgpuKernels(runtime));
    this.ctx = ctx;
    this.pools = pools;
    this.cache = cache;
    this.queue = queue;
    this.runtime = runtime;
    this.detail = `WebGPU through ${source} on ${describeAdapter(ctx.adapter)}`;
  }

  /** Fails with the device's error once it is lost or disposed. */
  protected override enter(): void {
    this.ctx.check();
  }

  protected upload(values: FloatArray, shape: readonly number[]): TensorData {
    const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
    const d = this.runtime.uploadF32(f32, shape);
    if (f32.length === 1) d.host = f32[0];
    return d;
  }

  /** Submits pending work, copies the tensor to a staging buffer and maps it. */
  protected async download(d: TensorData): Promise<FloatArray> {
    const storage = this.runtime.storage(d).retain();
    try {
      return new Float32Array(await this.queue.read(storage.buffer, d.size * F32));
    } finally {
      if (!this.ctx.isDestroyed) storage.release();
    }
  }

  protected free(d: TensorData): void {
    d.release();
  }

  protected shapeOf(d: TensorData): readonly number[] {
    return d.shape;
  }

  /** Submits everything recorded and waits until the GPU has finished it (for timing). */
  async sync(): Promise<void> {
    await this.queue.sync();
  }

  info(): BackendInfo {
    return { name: this.name, detail: this.detail, precision: 'float32', concrete: true };
  }

  /** GPU memory held: tensors plus the reuse pool (bytes and buffers). */
  override memory(): { bytes: number; buffers: number } {
    const s = this.pools.storage.stats;
    return { bytes: s.liveBytes + s.pooledBytes, buffers: s.liveBuffers + s.pooledBuffers };
  }

  /** Counters: live tensors, pool, pipeline cache and queue statistics. */
  stats(): WebgpuStats {
    return { tensors: this.liveTensors(), storage: this.pools.storage.stats, pipelines: this.cache.stats, queue: this.queue.stats };
  }

  /** Frees every buffer, pipeline and the device itself; later calls fail with `disposed`. */
  override dispose(): void {
    if (this.ctx.isDestroyed) return;
    this.queue.discard();
    super.dispose();
    for (const pool of Object.values(this.pools)) pool.destroy();
    this.cache.clear();
    this.ctx.destroy();
  }
}
