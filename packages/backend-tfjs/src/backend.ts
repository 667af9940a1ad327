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
import { tfKernels, type TfContext, type TfKernel, type TfTensor } from './kernels/index.js';
import { selectTfjsRuntime, type TfjsFlavor, type TfjsRuntime, type SelectOptions } from './select.js';

/** Options of {@link createTfjsBackend}. */
export interface TfjsBackendOptions {
  /**
   * tfjs runtimes to try, in order. Default `['tensorflow', 'wasm', 'cpu']`: tfjs-node-gpu when
   * a CUDA device works, then tfjs-node, then WebAssembly, then pure JavaScript.
   */
  prefer?: TfjsFlavor[];
  /** Registered name reported by `name` and `info()` (default `tfjs`). */
  name?: string;
  /**
   * Convolution gradients: `native` uses tfjs's Conv2DBackpropInput/Filter kernels, `composed`
   * rewrites them as forward convolutions. Defaults (measured, see conv.ts): tfjs-node native;
   * wasm composed (its native input gradient is ~12x slower and it has no filter gradient);
   * cpu native input, composed filter (the pure-JS filter-gradient kernel is far slower).
   */
  convGrad?: Partial<TfContext['convGrad']>;
  /**
   * Whether tfjs ops get explicit padding (default: yes, except on tfjs-node, whose TensorFlow
   * ops take none; there inputs are zero-padded first). Tests set it to run the tfjs-node code
   * paths on another tfjs backend.
   */
  explicitPadding?: boolean;
  /** Substitute module loader, for tests (see {@link SelectOptions.importModule}). */
  importModule?: SelectOptions['importModule'];
}

type ConvGrad = TfContext['convGrad'];

/** Which convolution-gradient form each tfjs backend uses by default. */
const DEFAULT_CONV_GRAD: Record<'tensorflow' | 'wasm' | 'cpu', ConvGrad> = {
  tensorflow: { input: 'native', filter: 'native' },
  wasm: { input: 'composed', filter: 'composed' },
  cpu: { input: 'native', filter: 'composed' },
};

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The msflow backend on TensorFlow.js: every declared kernel on tfjs ops. A tensor's DataId is
 * the tfjs tensor itself. Build one with {@link createTfjsBackend}.
 *
 * @example
 * ```ts
 * const backend = await createTfjsBackend({ prefer: ['wasm'] });
 * setBackend(backend);
 * const y = conv2d(x, w, { padding: 1 });
 * console.log(backend.runtime.runtime, backend.liveTensors(), backend.memory());
 * backend.dispose(); // frees every tensor it still holds
 * ```
 */
export class TfjsBackend implements Backend {
  readonly name: string;
  readonly kernels: KernelTable;
  /** The tfjs runtime the kernels run on. */
  readonly runtime: TfjsRuntime;
  private readonly live = new Set<TfTensor>();
  private readonly detail: string;

  constructor(runtime: TfjsRuntime, options: Pick<TfjsBackendOptions, 'name' | 'convGrad' | 'explicitPadding'> = {}) {
    this.runtime = runtime;
    this.name = options.name ?? 'tfjs';
    const { tf, tfBackend } = runtime;
    const ctx: TfContext = {
      tf,
      tfBackend,
      hasKernel: (k) => tf.getKernel(k, tfBackend) !== undefined,
      explicitPadding: options.explicitPadding ?? tfBackend !== 'tensorflow',
      convGrad: { ...DEFAULT_CONV_GRAD[tfBackend === 'tensorflow' || tfBackend === 'wasm' ? tfBackend : 'cpu'], ...options.convGrad },
    };
    const table = tfKernels(ctx);
    const kernels: Record<string, unknown> = {};
    for (const k of KERNEL_NAMES) kernels[k] = this.wrap(k, table[k] as TfKernel<KernelName>);
    this.kernels = kernels as KernelTable;
    const notes = runtime.skipped.map((s) => `${s.name}: ${s.reason}`);
    this.detail = [runtime.label, ...notes].join('; ');
  }

  /** Makes this backend's tfjs backend the active one (several tfjs backends may share a process). */
  private activate(): void {
    const { tf, tfBackend } = this.runtime;
    if (tf.getBackend() === tfBackend) return;
    // Already initialised, so setBackend switches before its first await.
    void tf.setBackend(tfBackend);
    if (tf.getBackend() !== tfBackend) throw new Error(`tfjs: could not switch to the ${tfBackend} backend`);
  }

  private tensor(dataId: DataId): TfTensor {
    const t = dataId as TfTensor;
    if (t.isDisposed) throw new Error(`${this.name}: tensor data was already disposed`);
    return t;
  }

  private wrap<K extends KernelName>(name: K, fn: TfKernel<K>): KernelImpl<K> {
    return ({ inputs, attrs, outShape }) => {
      this.activate();
      const { tf } = this.runtime;
      const xs = inputs.map((i) => this.tensor(i.dataId));
      // Nothing to compute for an empty output (and some tfjs kernels mishandle empty tensors).
      let out = outShape.includes(0) ? tf.zeros([...outShape]) : tf.tidy(() => fn(xs, attrs, outShape));
      // Core disposes every output on its own: never hand back an input's tensor.
      if (xs.includes(out)) out = tf.clone(out);
      if (!sameShape(out.shape, outShape)) {
        out.dispose();
        throw new Error(`${name}: tfjs produced shape [${out.shape.join(',')}], expected [${outShape.join(',')}]`);
      }
      this.live.add(out);
      return out;
    };
  }

  write(values: FloatArray, shape: readonly number[]): DataId {
    this.activate();
    // wasm copies into its heap; the cpu and tensorflow backends would keep the caller's array.
    const data = values instanceof Float32Array && this.runtime.tfBackend === 'wasm' ? values : new Float32Array(values);
    const t = this.runtime.tf.tensor(data, [...shape], 'float32');
    this.live.add(t);
    return t;
  }

  async read(dataId: DataId): Promise<FloatArray> {
    return this.owned(await this.tensor(dataId).data<'float32'>());
  }

  readSync(dataId: DataId): FloatArray {
    return this.owned(this.tensor(dataId).dataSync<'float32'>());
  }

  /** tfjs's cpu backend hands out its storage itself: copy it so callers cannot corrupt it. */
  private owned(data: Float32Array): Float32Array {
    return this.runtime.tfBackend === 'cpu' ? Float32Array.from(data) : data;
  }

  disposeData(dataId: DataId): void {
    const t = dataId as TfTensor;
    this.live.delete(t);
    t.dispose();
  }

  info(): BackendInfo {
    return { name: this.name, detail: this.detail, precision: 'float32', concrete: true };
  }

  /** Bytes and data buffers held by tfjs (process-wide tfjs numbers, see `tf.memory()`). */
  memory(): { bytes: number; buffers: number } {
    const m = this.runtime.tf.memory();
    return { bytes: m.numBytes, buffers: m.numDataBuffers };
  }

  /** Number of tensors this backend created that are still alive. */
  liveTensors(): number {
    return this.live.size;
  }

  /** Frees every tensor this backend created. */
  dispose(): void {
    for (const t of this.live) t.dispose();
    this.live.clear();
  }
}

/**
 * Starts a TensorFlow.js backend: tfjs-node-gpu when importable and a CUDA device works, else
 * tfjs-node, else WebAssembly (SIMD; it trains: the filter gradient is composed), else pure JS.
 * `info().detail` names the runtime in use and why the others were not used.
 *
 * @example
 * ```ts
 * import { setBackend } from '@msflow/core';
 * import { createTfjsBackend } from '@msflow/backend-tfjs';
 *
 * const backend = await createTfjsBackend();
 * console.log(backend.info().detail);
 * // "tfjs wasm (SIMD, 1 thread); tfjs-node-gpu: not installed; tfjs-node: not installed"
 * setBackend(backend);
 *
 * const cpuOnly = await createTfjsBackend({ prefer: ['cpu'] });
 * ```
 */
export async function createTfjsBackend(options: TfjsBackendOptions = {}): Promise<TfjsBackend> {
  const runtime = await selectTfjsRuntime({ prefer: options.prefer, importModule: options.importModule });
  return new TfjsBackend(runtime, options);
}
