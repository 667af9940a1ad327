import type { KernelAttrsMap, KernelName } from '../kernels/kernel_names.js';

/** Opaque handle to a backend's storage for one tensor. */
export type DataId = object;

/** Float data as a backend returns it: float32, or float64 for a reference backend. */
export type FloatArray = Float32Array | Float64Array;

/** What a kernel receives for each input: the backend's handle and the (validated) shape. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: readonly number[];
}

/** Arguments of one kernel call; inputs are ordered as in `KERNEL_INPUTS` (Concat: all parts). */
export interface KernelArgs<K extends KernelName> {
  readonly inputs: readonly TensorInfo[];
  readonly attrs: KernelAttrsMap[K];
  /** Output shape, computed and checked by core before the call. */
  readonly outShape: readonly number[];
}

export type KernelImpl<K extends KernelName> = (args: KernelArgs<K>) => DataId;

/** A backend's kernels. Missing entries make the kernel unavailable on that backend. */
export type KernelTable = { [K in KernelName]?: KernelImpl<K> };

/** Human-facing description of a running backend. */
export interface BackendInfo {
  /** Registered name, e.g. `tfjs`. */
  readonly name: string;
  /** What actually runs, e.g. `tfjs-node-gpu (CUDA)` or `tfjs cpu (pure JS)`. */
  readonly detail: string;
  /** Element precision of its storage. */
  readonly precision: 'float32' | 'float64';
  /** Whether tensors hold values (false for a tracing backend such as ONNX). */
  readonly concrete: boolean;
}

/**
 * A compute backend: storage plus a table of kernels for the declared names.
 *
 * @example
 * ```ts
 * const backend: Backend = await resolveBackend(['tfjs']);
 * setBackend(backend);
 * ```
 */
export interface Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  /** Uploads row-major values. */
  write(values: FloatArray, shape: readonly number[]): DataId;
  /** Downloads row-major values. */
  read(dataId: DataId, shape: readonly number[]): Promise<FloatArray>;
  /** Synchronous download, where the backend can offer one. */
  readSync?(dataId: DataId, shape: readonly number[]): FloatArray;
  /** Frees one tensor's storage. */
  disposeData(dataId: DataId): void;
  info(): BackendInfo;
  /** Bytes and buffers held, where the backend can tell. */
  memory?(): { bytes: number; buffers: number };
  /** Frees everything the backend holds. */
  dispose(): void;
}
