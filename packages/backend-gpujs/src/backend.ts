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
import { sizeOf } from './codegen.js';
import type { GpujsMode } from './gpu/gpujs.js';
import { AUTO_ORDER, MODE_LABELS, WEBGPU_NOTE, selectGpujsMode, type SelectedMode } from './gpu/modes.js';
import { Runner } from './gpu/runner.js';
import type { Storage } from './gpu/storage.js';
import { gpujsOps, type GpuOp } from './kernels/index.js';

/** Options of {@link createGpujsBackend}. */
export interface GpujsBackendOptions {
  /**
   * gpu.js modes to try, in order. Default {@link AUTO_ORDER}: headless-gl, WebGL2, WebGL,
   * WebAssembly, CPU (webgpu is never used, see the README).
   */
  prefer?: GpujsMode[];
  /** Registered name reported by `name` and `info()` (default `gpujs`). */
  name?: string;
  /** Compiled kernels kept (least recently used ones are destroyed); default 512. */
  cacheSize?: number;
}

/** The opaque DataId: a handle on a (possibly shared) storage. */
class GpujsTensor {
  constructor(readonly storage: Storage) {}
}

/**
 * The msflow backend on gpu.js: every declared kernel is generated gpu.js kernel source with the
 * shapes and attributes baked in, compiled once per (kernel, shapes, attributes) and cached. In
 * the GL modes tensors stay in textures between kernels; in the webasm and cpu modes they are
 * Float32Arrays. Build one with {@link createGpujsBackend}.
 *
 * @example
 * ```ts
 * const backend = await createGpujsBackend();
 * console.log(backend.mode, backend.info().detail);
 * setBackend(backend);
 * const y = relu(tensor([-1, 2], [2]));
 * console.log(backend.cacheStats()); // { size, compiled, hits }
 * ```
 */
export class GpujsBackend implements Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  /** The gpu.js mode the kernels run in. */
  readonly mode: GpujsMode;
  /** Compiles, caches and runs the generated kernels. */
  readonly runner: Runner;
  private readonly live = new Set<GpujsTensor>();
  private readonly selected: SelectedMode;

  constructor(selected: SelectedMode, options: Pick<GpujsBackendOptions, 'name' | 'cacheSize'> = {}) {
    this.selected = selected;
    this.name = options.name ?? 'gpujs';
    this.mode = selected.mode;
    this.runner = new Runner(selected.gpu, selected.mode, options.cacheSize);
    const ops = gpujsOps();
    const kernels: Record<string, unknown> = {};
    for (const k of KERNEL_NAMES) kernels[k] = this.wrap(k, ops[k] as GpuOp<KernelName>);
    this.kernels = kernels as KernelTable;
  }

  private storage(dataId: DataId): Storage {
    const t = dataId as GpujsTensor;
    if (!(t instanceof GpujsTensor) || t.storage.released) throw new Error(`${this.name}: tensor data was already disposed`);
    return t.storage;
  }

  private track(storage: Storage): GpujsTensor {
    const t = new GpujsTensor(storage);
    this.live.add(t);
    return t;
  }

  private wrap<K extends KernelName>(name: K, op: GpuOp<K>): KernelImpl<K> {
    return ({ inputs, attrs, outShape }) => {
      const storages = inputs.map((i) => this.storage(i.dataId));
      const out = op({ inputs: storages, shapes: inputs.map((i) => i.shape), attrs, outShape, runner: this.runner });
      if (out.size !== sizeOf(outShape)) {
        out.release();
        throw new Error(`${name}: gpu.js produced ${out.size} values, expected ${sizeOf(outShape)} for [${outShape.join(',')}]`);
      }
      return this.track(out);
    };
  }

  write(values: FloatArray, shape: readonly number[]): DataId {
    if (values.length !== sizeOf(shape)) throw new Error(`${this.name}: ${values.length} values for shape [${shape.join(',')}]`);
    return this.track(this.runner.upload(values instanceof Float32Array ? values : Float32Array.from(values)));
  }

  async read(dataId: DataId): Promise<FloatArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): FloatArray {
    return this.storage(dataId).read();
  }

  disposeData(dataId: DataId): void {
    const t = dataId as GpujsTensor;
    if (!this.live.delete(t)) return;
    t.storage.release();
  }

  info(): BackendInfo {
    const notes = [...this.selected.skipped.map((s) => `${s.mode}: ${s.reason}`), WEBGPU_NOTE];
    for (const [reason, count] of this.runner.fallbacks) notes.push(`${count} kernel call(s) degraded to cpu: ${reason}`);
    return { name: this.name, detail: [`gpu.js ${this.mode}: ${MODE_LABELS[this.mode]}`, ...notes].join('; '), precision: 'float32', concrete: true };
  }

  /** Bytes and buffers (textures or arrays) held by live tensors, shared storage counted once. */
  memory(): { bytes: number; buffers: number } {
    const unique = new Set([...this.live].map((t) => t.storage));
    let bytes = 0;
    for (const s of unique) bytes += s.size * 4;
    return { bytes, buffers: unique.size };
  }

  /** Number of tensors this backend created that are still alive. */
  liveTensors(): number {
    return this.live.size;
  }

  /** Compiled-kernel cache: kernels held, compiled so far, cache hits so far. */
  cacheStats(): { size: number; compiled: number; hits: number } {
    return this.runner.cache.stats();
  }

  /** Frees every tensor, every compiled kernel and the gpu.js instance. */
  dispose(): void {
    for (const t of this.live) t.storage.release();
    this.live.clear();
    this.runner.cache.clear();
    void this.selected.gpu.destroy();
  }
}

/**
 * Starts a gpu.js backend: the first of `prefer` (default headless-gl, WebGL2, WebGL,
 * WebAssembly, CPU) that gpu.js supports here and that computes a probe kernel correctly.
 * `info().detail` names the mode in use and why the others were not used.
 *
 * @example
 * ```ts
 * import { setBackend } from '@msflow/core';
 * import { createGpujsBackend } from '@msflow/backend-gpujs';
 *
 * const backend = await createGpujsBackend();
 * console.log(backend.info().detail);
 * // "gpu.js webasm: WebAssembly (f32x4 SIMD, ...); headlessgl: no headless-gl context ...; ..."
 * setBackend(backend);
 *
 * const cpuOnly = await createGpujsBackend({ prefer: ['cpu'] });
 * ```
 */
export async function createGpujsBackend(options: GpujsBackendOptions = {}): Promise<GpujsBackend> {
  // Async although gpu.js starts synchronously: the registry's contract, and room for a mode
  // whose start is asynchronous.
  const selected = selectGpujsMode(options.prefer ?? AUTO_ORDER);
  return new GpujsBackend(selected, options);
}
