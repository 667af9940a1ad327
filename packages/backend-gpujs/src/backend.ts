import { KERNEL_NAMES, KernelBackend, kernelFamily, type BackendInfo, type BackendKernels, type FloatArray, type KernelName } from '@msflow/core';
import { gpujsOps, type GpuOp } from './kernels/index.js';
import type { GpujsMode } from './runtime/gpujs.js';
import { AUTO_ORDER, MODE_LABELS, WEBGPU_NOTE, selectGpujsMode, type SelectedMode } from './runtime/modes.js';
import { Runner } from './runtime/runner.js';
import type { Storage } from './runtime/storage.js';

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

/**
 * The msflow backend on gpu.js: every declared kernel is generated gpu.js kernel source with the
 * shapes and attributes baked in, compiled once per (kernel, shapes, attributes) and cached. In
 * the GL modes tensors stay in textures between kernels; in the webasm and cpu modes they are
 * Float32Arrays. A tensor's DataId is its {@link Storage}. Build one with {@link createGpujsBackend}.
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
export class GpujsBackend extends KernelBackend<Storage> {
  /** The gpu.js mode the kernels run in. */
  readonly mode: GpujsMode;
  /** Compiles, caches and runs the generated kernels. */
  readonly runner: Runner;
  private readonly selected: SelectedMode;

  constructor(selected: SelectedMode, options: Pick<GpujsBackendOptions, 'name' | 'cacheSize'> = {}) {
    const runner = new Runner(selected.gpu, selected.mode, options.cacheSize);
    const ops = gpujsOps();
    const kernels = kernelFamily(KERNEL_NAMES, (k): GpuOp<KernelName> => (call) => (ops[k] as GpuOp<KernelName>)({ ...call, runner }));
    super(options.name ?? 'gpujs', kernels as BackendKernels<Storage>);
    this.selected = selected;
    this.mode = selected.mode;
    this.runner = runner;
  }

  protected upload(values: FloatArray): Storage {
    return this.runner.upload(values instanceof Float32Array ? values : Float32Array.from(values));
  }

  protected async download(storage: Storage): Promise<FloatArray> {
    return storage.read();
  }

  protected override downloadSync(storage: Storage): FloatArray {
    return storage.read();
  }

  protected free(storage: Storage): void {
    storage.release();
  }

  protected shapeOf(storage: Storage): number {
    return storage.size;
  }

  info(): BackendInfo {
    const notes = [...this.selected.skipped.map((s) => `${s.mode}: ${s.reason}`), WEBGPU_NOTE];
    for (const [reason, count] of this.runner.fallbacks) notes.push(`${count} kernel call(s) degraded to cpu: ${reason}`);
    return { name: this.name, detail: [`gpu.js ${this.mode}: ${MODE_LABELS[this.mode]}`, ...notes].join('; '), precision: 'float32', concrete: true };
  }

  /** Bytes and buffers (textures or arrays) held by live tensors, values shared by reshapes counted once. */
  override memory(): { bytes: number; buffers: number } {
    const unique = new Map<object, number>();
    for (const s of this.liveValues()) if (s.values) unique.set(s.values, s.size);
    let bytes = 0;
    for (const size of unique.values()) bytes += size * 4;
    return { bytes, buffers: unique.size };
  }

  /** Compiled-kernel cache: kernels held, compiled so far, cache hits so far. */
  cacheStats(): { size: number; compiled: number; hits: number } {
    return this.runner.cache.stats();
  }

  /** Frees every tensor, every compiled kernel and the gpu.js instance. */
  override dispose(): void {
    super.dispose();
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
