import type { Backend, DataId, FloatArray } from '../backend/backend.js';
import { fmt, sizeOf } from './shape.js';

let nextId = 0;

/**
 * An immutable float32 tensor (NHWC for images) living on one backend. Created by ops; freed by
 * `dispose()` or by the enclosing {@link tidy} scope.
 *
 * @example
 * ```ts
 * const t = tensor([1, 2, 3, 4], [2, 2]);
 * console.log(await t.data()); // Float32Array [1, 2, 3, 4]
 * t.dispose();
 * ```
 */
export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  /** Set when the tensor is recorded on an active gradient tape. */
  onTape = false;
  /** Kept tensors survive the end of the scope that created them. */
  kept = false;
  private disposed = false;

  constructor(
    readonly shape: readonly number[],
    readonly dataId: DataId,
    readonly backend: Backend,
    private readonly release: (t: Tensor) => void,
  ) {
    this.size = sizeOf(shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Downloads the values (row-major). */
  async data(): Promise<FloatArray> {
    this.assertAlive();
    return this.backend.read(this.dataId, this.shape);
  }

  /** Synchronous download; throws on backends that can only read asynchronously. */
  dataSync(): FloatArray {
    this.assertAlive();
    if (!this.backend.readSync) throw new Error(`backend ${this.backend.name} cannot read synchronously; use await tensor.data()`);
    return this.backend.readSync(this.dataId, this.shape);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item(): tensor ${fmt(this.shape)} has ${this.size} elements, expected 1`);
    return (await this.data())[0];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release(this);
  }

  assertAlive(): void {
    if (this.disposed) throw new Error(`tensor #${this.id} ${fmt(this.shape)} was already disposed`);
  }

  toString(): string {
    return `Tensor#${this.id}${fmt(this.shape)}@${this.backend.name}`;
  }
}
