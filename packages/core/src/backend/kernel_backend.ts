import { KERNEL_NAMES, type KernelName } from '../kernels/kernel_names.js';
import { fmt, shapesEqual, sizeOf } from '../tensor/shape.js';
import type { Backend, BackendInfo, DataId, FloatArray, KernelArgs, KernelImpl, KernelTable } from './backend.js';
import type { BackendKernel, BackendKernels } from './kernel_call.js';

/**
 * The shell every backend shares, in the spirit of tfjs' KernelBackend and DataStorage: it keeps
 * the live values (the `DataId`s it handed out), turns the backend's {@link BackendKernels} into
 * core's kernel table (input lookup, the "already disposed" check, output checks, accounting),
 * and frees what is left on `dispose`. A backend supplies its storage (`upload`, `download`,
 * `free`, `shapeOf`), its kernels and `info`; nothing else.
 *
 * A value `V` is one tensor's handle: a kernel must return a new one (a reshape that shares
 * storage returns a new handle over it), never one of its inputs.
 *
 * @example
 * ```ts
 * class ArrayBackend extends KernelBackend<{ data: Float32Array; shape: readonly number[] }> {
 *   constructor() {
 *     super('arrays', arrayKernels); // arrayKernels: BackendKernels<{ data, shape }>
 *   }
 *   protected upload(values: FloatArray, shape: readonly number[]) { return { data: Float32Array.from(values), shape }; }
 *   protected async download(v: { data: Float32Array }) { return v.data.slice(); }
 *   protected free(): void {}
 *   protected shapeOf(v: { shape: readonly number[] }) { return v.shape; }
 *   info(): BackendInfo { return { name: this.name, detail: 'plain arrays', precision: 'float32', concrete: true }; }
 * }
 * ```
 */
export abstract class KernelBackend<V extends object> implements Backend {
  readonly kernels: KernelTable;
  /** Bytes of one stored element, for the default {@link memory}. */
  protected readonly bytesPerElement: number = 4;
  private readonly live = new Set<V>();

  protected constructor(
    readonly name: string,
    kernels: BackendKernels<V>,
  ) {
    const table: Partial<Record<KernelName, KernelImpl<KernelName>>> = {};
    for (const k of KERNEL_NAMES) {
      const kernel = kernels[k] as BackendKernel<KernelName, V>;
      table[k] = (args) => this.runKernel(k, kernel, args);
    }
    this.kernels = table as KernelTable;
  }

  /** Stores row-major host values as a new value. */
  protected abstract upload(values: FloatArray, shape: readonly number[]): V;
  /** Copies a value to the host (a fresh array the caller may keep). */
  protected abstract download(value: V, shape: readonly number[]): Promise<FloatArray>;
  /** Synchronous download, where the backend has one. */
  protected downloadSync?(value: V, shape: readonly number[]): FloatArray;
  /** Frees one value's storage (shared storage: one reference). */
  protected abstract free(value: V): void;
  /** A value's shape, or where its storage keeps none, its element count: what output checks compare. */
  protected abstract shapeOf(value: V): readonly number[] | number;
  abstract info(): BackendInfo;

  /** Runs before every kernel call, write and read (make a runtime current, fail on a lost device). */
  protected enter(): void {}

  /**
   * Runs one kernel call: looks up the inputs, calls the kernel, checks its output and tracks it.
   * A backend that handles some calls itself (a trace) overrides it and defers to `super`.
   */
  protected runKernel<K extends KernelName>(name: K, kernel: BackendKernel<K, V>, args: KernelArgs<K>): DataId {
    this.enter();
    const inputs = args.inputs.map((t) => this.value(t.dataId));
    const out = kernel({ inputs, shapes: args.inputs.map((t) => t.shape), attrs: args.attrs, outShape: args.outShape });
    if (inputs.includes(out)) throw new Error(`${name}: the ${this.name} kernel returned one of its inputs (a backend bug)`);
    const got = this.shapeOf(out);
    const fits = typeof got === 'number' ? got === sizeOf(args.outShape) : shapesEqual(got, args.outShape);
    if (!fits) {
      this.free(out);
      const what = typeof got === 'number' ? `${got} values` : `shape ${fmt(got)}`;
      throw new Error(`${name}: ${this.name} produced ${what}, expected ${fmt(args.outShape)}`);
    }
    return this.track(out);
  }

  /** The live value behind a `DataId`; throws when it was disposed or is not this backend's. */
  protected value(dataId: DataId): V {
    if (!this.live.has(dataId as V)) throw new Error(`${this.name}: tensor data was already disposed, or belongs to another backend`);
    return dataId as V;
  }

  /** The values handed out and not yet disposed. */
  protected liveValues(): ReadonlySet<V> {
    return this.live;
  }

  private track(value: V): V {
    this.live.add(value);
    return value;
  }

  write(values: FloatArray, shape: readonly number[]): DataId {
    if (values.length !== sizeOf(shape)) throw new Error(`${this.name}: ${values.length} values do not fill shape ${fmt(shape)}`);
    this.enter();
    return this.track(this.upload(values, shape));
  }

  async read(dataId: DataId, shape: readonly number[]): Promise<FloatArray> {
    this.enter();
    return this.download(this.value(dataId), shape);
  }

  /** Synchronous read; throws where the backend has no `downloadSync` (a GPU queue, a session). */
  readSync(dataId: DataId, shape: readonly number[]): FloatArray {
    if (!this.downloadSync) throw new Error(`backend ${this.name} cannot read synchronously; use await tensor.data()`);
    this.enter();
    return this.downloadSync(this.value(dataId), shape);
  }

  disposeData(dataId: DataId): void {
    const value = dataId as V;
    if (this.live.delete(value)) this.free(value);
  }

  /** Number of values this backend handed out that are still alive. */
  liveTensors(): number {
    return this.live.size;
  }

  /** Bytes and buffers of the live values (a backend with pools or shared storage overrides it). */
  memory(): { bytes: number; buffers: number } {
    let elements = 0;
    for (const v of this.live) {
      const s = this.shapeOf(v);
      elements += typeof s === 'number' ? s : sizeOf(s);
    }
    return { bytes: elements * this.bytesPerElement, buffers: this.live.size };
  }

  /** Frees every live value; a backend with more to release overrides it and calls `super`. */
  dispose(): void {
    for (const v of this.live) this.free(v);
    this.live.clear();
  }
}
