/// <reference types="@webgpu/types" />
import type { BinaryKernel, UnaryKernel } from '@msflow/core';
import type { BufferPool } from './buffer_pool.js';

/**
 * A reference-counted GPU buffer holding float32 values. Reshape-like kernels share one storage
 * between several tensors; the buffer returns to its pool when the last holder releases it.
 */
export class Storage {
  private refs = 1;

  constructor(
    readonly buffer: GPUBuffer,
    private readonly pool: BufferPool,
  ) {}

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs === 0) this.pool.release(this.buffer);
  }
}

/** A node of a fused element-wise expression. */
export type ExprNode =
  | { readonly k: 'leaf'; readonly i: number }
  | { readonly k: 'const'; readonly v: number }
  | { readonly k: 'unary'; readonly op: UnaryKernel; readonly a: ExprNode }
  | { readonly k: 'binary'; readonly op: BinaryKernel; readonly a: ExprNode; readonly b: ExprNode };

/** A materialised input of a fused expression, broadcast (NumPy rules) to the output shape. */
export interface Leaf {
  readonly storage: Storage;
  readonly shape: readonly number[];
}

/** A not-yet-computed element-wise result: an expression over leaves (retained). */
export interface LazyExpr {
  readonly node: ExprNode;
  readonly leaves: readonly Leaf[];
  /** Number of operation nodes, to bound the size of generated shaders. */
  readonly ops: number;
}

/**
 * The backend's DataId: either a storage buffer, or (element-wise results not yet needed) a
 * lazy expression that the next consumer fuses into its own shader or materialises.
 */
export class TensorData {
  storage: Storage | null;
  lazy: LazyExpr | null;
  /** Value of a one-element tensor when known on the host (written constants). */
  host: number | undefined;
  private released = false;

  constructor(
    readonly shape: readonly number[],
    readonly size: number,
    source: Storage | LazyExpr,
  ) {
    this.storage = source instanceof Storage ? source : null;
    this.lazy = source instanceof Storage ? null : source;
  }

  get isReleased(): boolean {
    return this.released;
  }

  /** Replaces the lazy expression by its computed storage. */
  settle(storage: Storage): void {
    const lazy = this.lazy;
    this.storage = storage;
    this.lazy = null;
    if (lazy) for (const leaf of lazy.leaves) leaf.storage.release();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.storage?.release();
    if (this.lazy) for (const leaf of this.lazy.leaves) leaf.storage.release();
    this.storage = null;
    this.lazy = null;
  }
}
