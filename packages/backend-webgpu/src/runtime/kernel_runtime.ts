/// <reference types="@webgpu/types" />
import { sizeOf } from '@msflow/core';
import { F32 } from './constants.js';
import type { GpuContext } from './device.js';
import { WebgpuError } from './errors.js';
import type { PipelineCache, Program } from './pipeline_cache.js';
import type { CommandQueue, QueuePools } from './queue.js';
import { Storage, TensorData } from './tensor_data.js';
import type { GemmTile } from '../wgsl/gemm.js';

/** Constant tables kept by {@link KernelRuntime.table}. */
export const MAX_TABLES = 512;

/** Tuning switches of the kernels (tests use them to exercise every code path). */
export interface KernelOptions {
  /** Fuse chains of element-wise kernels into one shader, computed when first needed. Default true. */
  fuseElementwise: boolean;
  /**
   * Forward convolution algorithm: implicit GEMM, direct loops, or `auto` (direct for grouped
   * convolutions with few channels per group, such as depthwise ones; GEMM otherwise).
   */
  conv: 'auto' | 'gemm' | 'direct';
  /** Split long reductions (GEMM K, reduce axes) over several workgroups. Default true. */
  splitReductions: boolean;
  /** Tile of the GEMM kernels (matmul, convolutions). Default {@link DEFAULT_TILE}. */
  gemmTile: GemmTile;
}

/** What every kernel uses: allocation, dispatch, and access to input buffers. */
export class KernelRuntime {
  private readonly tables = new Map<string, Storage>();
  /** Computes a lazy (fused element-wise) tensor; installed by the element-wise kernels. */
  materialize: (d: TensorData) => void = () => {
    throw new WebgpuError('internal', 'no materializer installed');
  };

  constructor(
    readonly ctx: GpuContext,
    readonly pools: QueuePools,
    readonly cache: PipelineCache,
    readonly queue: CommandQueue,
    readonly options: KernelOptions,
  ) {}

  get limits(): GPUSupportedLimits {
    return this.ctx.limits;
  }

  /** The storage of a tensor, computing it first when it is a lazy expression. */
  storage(d: TensorData): Storage {
    if (!d.storage) this.materialize(d);
    return d.storage!;
  }

  /** The storage buffer of an input (computed first when it is a lazy expression). */
  buffer(d: TensorData): GPUBuffer {
    return this.storage(d).buffer;
  }

  /** Fresh storage for `size` float32 values, to be written by GPU commands. */
  allocStorage(size: number, what = 'tensor'): Storage {
    const bytes = Math.max(F32, size * F32);
    this.ctx.checkBufferSize(bytes, what);
    this.queue.open();
    return new Storage(this.pools.storage.acquire(bytes, true), this.pools.storage);
  }

  /** A new output tensor of `shape`, to be written by GPU commands. */
  output(shape: readonly number[]): TensorData {
    const size = sizeOf(shape);
    return new TensorData(shape, size, this.allocStorage(size, `a tensor of shape [${shape.join(',')}]`));
  }

  /** A new tensor sharing `d`'s storage under another shape (Reshape). */
  alias(d: TensorData, shape: readonly number[]): TensorData {
    const out = new TensorData(shape, d.size, this.storage(d).retain());
    out.host = d.host;
    return out;
  }

  /** A scratch buffer written by GPU commands; release it after its last dispatch. */
  scratch(size: number): Storage {
    return this.allocStorage(size, 'a scratch buffer');
  }

  /** Uploads u32 values (indices) to a storage buffer; release it after its last dispatch. */
  uploadU32(values: Uint32Array): Storage {
    const bytes = Math.max(4, values.byteLength);
    this.ctx.checkBufferSize(bytes, 'an index table');
    this.queue.open();
    const buf = this.pools.storage.acquire(bytes);
    if (values.byteLength > 0) this.ctx.device.queue.writeBuffer(buf, 0, values.buffer, values.byteOffset, values.byteLength);
    return new Storage(buf, this.pools.storage);
  }

  /**
   * A constant table (indices, interpolation taps) uploaded once and kept under `key` for the
   * backend's lifetime, so a training loop does not upload the same table every step. The
   * oldest tables are dropped beyond {@link MAX_TABLES}.
   */
  table(key: string, make: () => Uint32Array | Float32Array): GPUBuffer {
    const hit = this.tables.get(key);
    if (hit) {
      // Refresh its place in the eviction order.
      this.tables.delete(key);
      this.tables.set(key, hit);
      return hit.buffer;
    }
    const values = make();
    const storage = this.uploadU32(new Uint32Array(values.buffer, values.byteOffset, values.length));
    this.tables.set(key, storage);
    if (this.tables.size > MAX_TABLES) {
      const [oldest, s] = this.tables.entries().next().value as [string, Storage];
      this.tables.delete(oldest);
      s.release();
    }
    return storage.buffer;
  }

  /** Releases every cached table (backend disposal). */
  dropTables(): void {
    for (const s of this.tables.values()) s.release();
    this.tables.clear();
  }

  /** Uploads float values as a new tensor. */
  uploadF32(values: Float32Array, shape: readonly number[]): TensorData {
    const bytes = Math.max(F32, values.byteLength);
    this.ctx.checkBufferSize(bytes, `a tensor of shape [${shape.join(',')}]`);
    this.queue.open();
    const buf = this.pools.storage.acquire(bytes);
    if (values.byteLength > 0) this.ctx.device.queue.writeBuffer(buf, 0, values.buffer, values.byteOffset, values.byteLength);
    return new TensorData(shape, values.length, new Storage(buf, this.pools.storage));
  }

  /** Records one dispatch. */
  run(program: Program, params: Uint32Array, buffers: readonly GPUBuffer[], grid: readonly [number, number, number]): void {
    this.queue.dispatch(program, params, buffers, grid);
  }
}
