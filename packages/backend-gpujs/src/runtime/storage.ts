import { isTexture, type GpuValue } from './gpujs.js';

/** Values several storages view (a tensor and its reshapes), freed with the last of them. */
export class SharedValues {
  /** Storages viewing the values. */
  refs = 1;

  constructor(public value: GpuValue | null) {}
}

/**
 * One tensor's values on the gpu.js side: a texture in the GL modes (kept on the device and fed
 * straight into the next kernel), a Float32Array in the webasm and cpu modes. A storage is one
 * tensor's handle; Reshape hands out a second handle over the same values ({@link view})
 * instead of copying them, and the values are freed when the last handle is released.
 *
 * @example
 * ```ts
 * const s = new Storage(2, Float32Array.from([1, 2]));
 * const view = s.view(); // a reshape shares the values
 * s.release();           // still alive: the view holds them
 * view.read();           // Float32Array [1, 2] (a copy)
 * view.release();        // freed (a texture would be deleted)
 * ```
 */
export class Storage {
  private shared: SharedValues | null;

  constructor(
    /** Number of float32 elements. */
    readonly size: number,
    values: GpuValue | SharedValues,
  ) {
    this.shared = values instanceof SharedValues ? values : new SharedValues(values);
  }

  /** The value to pass to a kernel. */
  get operand(): GpuValue {
    const v = this.shared?.value;
    if (!v) throw new Error('gpujs: tensor data was already disposed');
    return v;
  }

  /** The values this storage views (shared with its reshapes), or null once released. */
  get values(): SharedValues | null {
    return this.shared;
  }

  /** Whether the values live in a device texture. */
  get onDevice(): boolean {
    const v = this.shared?.value;
    return v !== undefined && v !== null && isTexture(v);
  }

  /** A fresh host copy of the values (callers may keep or modify it). */
  read(): Float32Array {
    const v = this.operand;
    if (!isTexture(v)) return v.slice(0, this.size);
    const out = v.toArray();
    if (out instanceof Float32Array) return out.slice(0, this.size);
    // A 1-D texture reads back as one flat array; anything else means a kernel was misdeclared.
    throw new Error('gpujs: a 1-D kernel output read back with more than one dimension');
  }

  /** A second handle over the same values, released on its own (Reshape). */
  view(): Storage {
    const shared = this.shared;
    if (!shared) throw new Error('gpujs: tensor data was already disposed');
    shared.refs++;
    return new Storage(this.size, shared);
  }

  /** Releases this handle; the last one frees the values (deletes the texture). */
  release(): void {
    const shared = this.shared;
    if (!shared) return;
    this.shared = null;
    if (--shared.refs > 0 || shared.value === null) return;
    if (isTexture(shared.value)) shared.value.delete();
    shared.value = null;
  }

  get released(): boolean {
    return this.shared === null;
  }
}

/** Runs `use` on a temporary storage (the first pass of a two-pass kernel) and releases it. */
export function releasing(temporary: Storage, use: (temporary: Storage) => Storage): Storage {
  try {
    return use(temporary);
  } finally {
    temporary.release();
  }
}
