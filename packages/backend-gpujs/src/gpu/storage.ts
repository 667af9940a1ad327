import { isTexture, type GpuValue } from './gpujs.js';

/**
 * One tensor's values on the gpu.js side: a texture in the GL modes (kept on the device and fed
 * straight into the next kernel), a Float32Array in the webasm and cpu modes. Reference-counted
 * because Reshape hands out a second tensor over the same values instead of copying them.
 *
 * @example
 * ```ts
 * const s = new Storage(2, Float32Array.from([1, 2]));
 * const view = s.retain(); // a reshape shares it
 * s.release();             // still alive: one reference left
 * view.read();             // Float32Array [1, 2] (a copy)
 * view.release();          // freed (a texture would be deleted)
 * ```
 */
export class Storage {
  private refs = 1;
  private value: GpuValue | null;

  constructor(
    /** Number of float32 elements. */
    readonly size: number,
    value: GpuValue,
  ) {
    this.value = value;
  }

  /** The value to pass to a kernel. */
  get operand(): GpuValue {
    if (this.value === null) throw new Error('gpujs: tensor data was already disposed');
    return this.value;
  }

  /** Whether the values live in a device texture. */
  get onDevice(): boolean {
    return this.value !== null && isTexture(this.value);
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

  /** One more tensor shares these values. */
  retain(): this {
    this.refs++;
    return this;
  }

  /** Drops one reference; the last one frees the texture. */
  release(): void {
    if (this.value === null) return;
    if (--this.refs > 0) return;
    if (isTexture(this.value)) this.value.delete();
    this.value = null;
  }

  get released(): boolean {
    return this.value === null;
  }
}
