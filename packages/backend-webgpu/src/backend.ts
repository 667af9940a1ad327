/// <reference types="@webgpu/types" />
import {
  KERNEL_NAMES,
  type Backend,
  type BackendInfo,
  type DataId,
  type FloatArray,
  type KernelImpl,
  type KernelName,
  type KernelTable,
} from '@msflow/core';
import { webgpuKernels } from './kernels/index.js';
import { BufferPool, type PoolStats } from './runtime/buffer_pool.js';
import { BufferUsage, F32 } from './runtime/constants.js';
import { describeAdapter, type GpuContext } from './runtime/device.js';
import { WebgpuError } from './runtime/errors.js';
import { KernelRuntime, type KernelOptions } from './runtime/kernel_runtime.js';
import { PipelineCache, type PipelineCacheStats } from './runtime/pipeline_cache.js';
import { CommandQueue, type QueueStats } from './runtime/queue.js';
import { TensorData } from './runtime/tensor_data.js';
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
export class WebgpuBackend implements Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  private readonly pools: { storage: BufferPool; uniform: BufferPool; staging: BufferPool };
  private readonly cache: PipelineCache;
  private readonly queue: CommandQueue;
  /** Allocation and dispatch services of the kernels (for benchmarks and extensions). */
  readonly runtime: KernelRuntime;
  private readonly live = new Set<TensorData>();
  private readonly detail: string;

  constructor(
    readonly ctx: GpuContext,
    source: string,
    options: WebgpuBackendOptions = {},
  ) {
    this.name = options.name ?? 'webgpu';
    const device = ctx.device;
    const limit = options.memoryLimitBytes;
    this.pools = {
      storage: new BufferPool(device, {
        usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
        label: 'tensor',
        maxPooledBytes: options.maxPooledBytes,
        memoryLimitBytes: limit,
      }),
      uniform: new BufferPool(device, { usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST, label: 'uniforms' }),
      staging: new BufferPool(device, { usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST, label: 'readback', maxPooledBytes: 64 << 20 }),
    };
    this.cache = new PipelineCache(device, (err) => ctx.fail(err));
    this.queue = new CommandQueue(ctx, this.cache, this.pools, { maxDispatches: options.maxDispatchesPerSubmit });
    this.runtime = new KernelRuntime(ctx, this.pools, this.cache, this.queue, {
      fuseElementwise: options.fuseElementwise ?? true,
      conv: options.conv ?? 'auto',
      splitReductions: options.splitReductions ?? true,
      gemmTile: options.gemmTile ?? DEFAULT_TILE,
    });
    const table = webgpuKernels(this.runtime);
    const kernels: Record<string, unknown> = {};
    for (const k of KERNEL_NAMES) kernels[k] = this.wrap(k, table[k] as KernelImpl<KernelName>);
    this.kernels = kernels as KernelTable;
    this.detail = `WebGPU through ${source} on ${describeAdapter(ctx.adapter)}`;
  }

  private wrap<K extends KernelName>(name: K, fn: KernelImpl<K>): KernelImpl<K> {
    return (args) => {
      this.ctx.check();
      const out = fn(args) as TensorData;
      if (args.inputs.some((i) => i.dataId === out)) throw new WebgpuError('internal', `${name} returned its input`);
      this.live.add(out);
      return out;
    };
  }

  private data(dataId: DataId): TensorData {
    const d = dataId as TensorData;
    if (!(d instanceof TensorData)) throw new WebgpuError('internal', 'data does not belong to the webgpu backend');
    if (d.isReleased) throw new WebgpuError('internal', 'tensor data was already disposed');
    return d;
  }

  write(values: FloatArray, shape: readonly number[]): DataId {
    this.ctx.check();
    const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
    const d = this.runtime.uploadF32(f32, shape);
    if (f32.length === 1) d.host = f32[0];
    this.live.add(d);
    return d;
  }

  /** Submits pending work, copies the tensor to a staging buffer and maps it. */
  async read(dataId: DataId): Promise<FloatArray> {
    this.ctx.check();
    const d = this.data(dataId);
    const storage = this.runtime.storage(d).retain();
    try {
      return new Float32Array(await this.queue.read(storage.buffer, d.size * F32));
    } finally {
      if (!this.ctx.isDestroyed) storage.release();
    }
  }

  disposeData(dataId: DataId): void {
    const d = dataId as TensorData;
    if (!(d instanceof TensorData) || d.isReleased) return;
    d.release();
    this.live.delete(d);
  }

  /** Submits everything recorded and waits until the GPU has finished it (for timing). */
  async sync(): Promise<void> {
    await this.queue.sync();
  }

  info(): BackendInfo {
    return { name: this.name, detail: this.detail, precision: 'float32', concrete: true };
  }

  /** GPU memory held: tensors plus the reuse pool (bytes and buffers). */
  memory(): { bytes: number; buffers: number } {
    const s = this.pools.storage.stats;
    return { bytes: s.liveBytes + s.pooledBytes, buffers: s.liveBuffers + s.pooledBuffers };
  }

  /** Counters: live tensors, pool, pipeline cache and queue statistics. */
  stats(): WebgpuStats {
    return { tensors: this.live.size, storage: this.pools.storage.stats, pipelines: this.cache.stats, queue: this.queue.stats };
  }

  /** Frees every buffer, pipeline and the device itself; later calls fail with `disposed`. */
  dispose(): void {
    if (this.ctx.isDestroyed) return;
    this.queue.discard();
    this.live.clear();
    for (const pool of Object.values(this.pools)) pool.destroy();
    this.cache.clear();
    this.ctx.destroy();
  }
}
