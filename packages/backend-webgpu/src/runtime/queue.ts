/// <reference types="@webgpu/types" />
import type { BufferPool } from './buffer_pool.js';
import { MapMode } from './constants.js';
import { classifyGpuError, type GpuContext } from './device.js';
import { WebgpuError } from './errors.js';
import type { PipelineCache, Program } from './pipeline_cache.js';

/** Bytes of one uniform slot: the WebGPU minimum uniform offset alignment. */
export const UNIFORM_SLOT = 256;

/** Options of {@link CommandQueue}. */
export interface CommandQueueOptions {
  /** Dispatches recorded before a submit. Default 64. */
  maxDispatches?: number;
  /** Bytes of the per-batch uniform arena (one 256-byte slot per dispatch). Default 32 KiB. */
  arenaBytes?: number;
}

/** The pools the queue allocates from. */
export interface QueuePools {
  /** Tensor storage (STORAGE | COPY_SRC | COPY_DST). */
  readonly storage: BufferPool;
  /** Uniform arenas (UNIFORM | COPY_DST). */
  readonly uniform: BufferPool;
  /** Readback buffers (MAP_READ | COPY_DST). */
  readonly staging: BufferPool;
}

/** Counters of the queue. */
export interface QueueStats {
  dispatches: number;
  submits: number;
  reads: number;
}

/**
 * Records kernel dispatches into one command encoder and one compute pass, and submits them in
 * groups: when `maxDispatches` are recorded, when the uniform arena is full, or when data is
 * read back. Every group runs inside validation / out-of-memory / internal error scopes whose
 * results are checked before a read resolves, so an error names the ops of its group.
 *
 * @example
 * ```ts
 * const queue = new CommandQueue(ctx, cache, pools);
 * queue.dispatch(program, params, [x, y], [groups, 1, 1]);
 * const values = await queue.read(y, bytes); // submits, then maps a staging buffer
 * ```
 */
export class CommandQueue {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private arena: GPUBuffer | null = null;
  private readonly arenaData: Uint32Array;
  private arenaUsed = 0;
  private recorded = 0;
  private labels = new Set<string>();
  private checks: Promise<void>[] = [];
  private readonly maxDispatches: number;
  private readonly counters: QueueStats = { dispatches: 0, submits: 0, reads: 0 };

  constructor(
    private readonly ctx: GpuContext,
    private readonly cache: PipelineCache,
    private readonly pools: QueuePools,
    options: CommandQueueOptions = {},
  ) {
    this.maxDispatches = options.maxDispatches ?? 64;
    const arenaBytes = Math.max(UNIFORM_SLOT, options.arenaBytes ?? 32 * 1024);
    this.arenaData = new Uint32Array(arenaBytes / 4);
  }

  private get device(): GPUDevice {
    return this.ctx.device;
  }

  /** Starts a recording (encoder and error scopes) unless one is open. */
  open(): void {
    this.ctx.check();
    if (this.encoder) return;
    const d = this.device;
    d.pushErrorScope('internal');
    d.pushErrorScope('out-of-memory');
    d.pushErrorScope('validation');
    this.encoder = d.createCommandEncoder({ label: 'msflow batch' });
  }

  /**
   * Records one dispatch. `params` (u32 words, at most a few slots) becomes the uniform block
   * at binding 0; `buffers` are bound in order to bindings 1..n (inputs, then outputs).
   */
  dispatch(program: Program, params: Uint32Array, buffers: readonly GPUBuffer[], workgroups: readonly [number, number, number]): void {
    if (workgroups[0] === 0 || workgroups[1] === 0 || workgroups[2] === 0) return;
    if (buffers.length !== program.inputs + program.outputs) {
      throw new WebgpuError('internal', `${program.label}: ${buffers.length} buffers bound, the program has ${program.inputs + program.outputs}`);
    }
    const bytes = Math.max(UNIFORM_SLOT, Math.ceil((params.length * 4) / UNIFORM_SLOT) * UNIFORM_SLOT);
    if (this.recorded >= this.maxDispatches || this.arenaUsed + bytes > this.arenaData.byteLength) this.flush();
    this.open();
    const compiled = this.cache.get(program);
    if (!this.arena) this.arena = this.pools.uniform.acquire(this.arenaData.byteLength);
    const offset = this.arenaUsed;
    this.arenaData.set(params, offset / 4);
    this.arenaUsed += bytes;
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.arena, offset, size: bytes } }];
    for (let i = 0; i < buffers.length; i++) entries.push({ binding: i + 1, resource: { buffer: buffers[i] } });
    const group = this.device.createBindGroup({ layout: compiled.layout, entries, label: program.label });
    if (!this.pass) this.pass = this.encoder!.beginComputePass({ label: 'msflow pass' });
    this.pass.setPipeline(compiled.pipeline);
    this.pass.setBindGroup(0, group);
    this.pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    this.recorded++;
    this.counters.dispatches++;
    if (this.labels.size < 12) this.labels.add(program.label);
  }

  /** Records a buffer-to-buffer copy (ends the current compute pass). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.open();
    this.endPass();
    if (bytes > 0) this.encoder!.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Submits what was recorded. Pools recycle the buffers released during the recording. */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    const d = this.device;
    const commands = this.encoder.finish();
    this.encoder = null;
    if (this.arena && this.arenaUsed > 0) d.queue.writeBuffer(this.arena, 0, this.arenaData, 0, this.arenaUsed / 4);
    d.queue.submit([commands]);
    this.counters.submits++;
    const where = `in a batch of ${this.recorded} dispatches (${[...this.labels].join(', ')})`;
    const scopes = [d.popErrorScope(), d.popErrorScope(), d.popErrorScope()];
    this.checks.push(
      Promise.all(scopes).then(
        (errs) => {
          for (const e of errs) if (e) this.ctx.fail(classifyGpuError(e, where));
        },
        () => undefined,
      ),
    );
    if (this.arena) {
      this.pools.uniform.release(this.arena);
      this.arena = null;
    }
    this.arenaUsed = 0;
    this.recorded = 0;
    this.labels = new Set();
    this.pools.storage.recycle();
    this.pools.uniform.recycle();
    this.pools.staging.recycle();
  }

  /** Submits pending work and waits for the error checks of everything submitted so far. */
  async sync(): Promise<void> {
    this.flush();
    const checks = this.checks;
    this.checks = [];
    await Promise.all(checks);
    await this.device.queue.onSubmittedWorkDone().catch(() => undefined);
    this.ctx.check();
  }

  /** Copies `bytes` from `buffer` to a staging buffer, submits, and resolves with the bytes. */
  async read(buffer: GPUBuffer, bytes: number): Promise<ArrayBuffer> {
    this.counters.reads++;
    if (bytes === 0) return new ArrayBuffer(0);
    const staging = this.pools.staging.acquire(bytes);
    this.copy(buffer, 0, staging, 0, bytes);
    this.flush();
    const checks = this.checks;
    this.checks = [];
    try {
      await staging.mapAsync(MapMode.READ, 0, bytes);
    } catch (err) {
      await Promise.all(checks);
      await this.ctx.settle(1000);
      this.ctx.check();
      throw new WebgpuError('internal', `reading back ${bytes} bytes failed: ${(err as Error).message}`);
    }
    await Promise.all(checks);
    const out = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.pools.staging.release(staging);
    this.ctx.check();
    return out;
  }

  get stats(): Readonly<QueueStats> {
    return { ...this.counters };
  }

  /** Drops whatever was recorded and not submitted. */
  discard(): void {
    this.pass = null;
    this.encoder = null;
    this.arena = null;
  }
}
