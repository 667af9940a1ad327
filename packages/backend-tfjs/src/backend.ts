import { KERNEL_NAMES, KernelBackend, kernelFamily, type BackendInfo, type FloatArray, type KernelName } from '@msflow/core';
import { tfKernels, type TF, type TfContext, type TfKernel, type TfKernelTable, type TfTensor } from './kernels/index.js';
import { selectTfjsRuntime, type TfjsFlavor, type TfjsRuntime, type SelectOptions } from './runtime/select.js';

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

/**
 * Runs a tfjs kernel the way core expects: inside `tf.tidy` (intermediates freed), nothing to
 * compute for an empty output (some tfjs kernels mishandle empty tensors), and never an input's
 * own tensor as the output (core disposes every output on its own).
 */
function tidied<K extends KernelName>(tf: TF, kernel: TfKernel<K>): TfKernel<K> {
  return (call) => {
    if (call.outShape.includes(0)) return tf.zeros([...call.outShape]);
    const out = tf.tidy(() => kernel(call));
    return call.inputs.includes(out) ? tf.clone(out) : out;
  };
}

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
export class TfjsBackend extends KernelBackend<TfTensor> {
  /** The tfjs runtime the kernels run on. */
  readonly runtime: TfjsRuntime;
  private readonly detail: string;

  constructor(runtime: TfjsRuntime, options: Pick<TfjsBackendOptions, 'name' | 'convGrad' | 'explicitPadding'> = {}) {
    const { tf, tfBackend } = runtime;
    const ctx: TfContext = {
      tf,
      tfBackend,
      hasKernel: (k) => tf.getKernel(k, tfBackend) !== undefined,
      explicitPadding: options.explicitPadding ?? tfBackend !== 'tensorflow',
      convGrad: { ...DEFAULT_CONV_GRAD[tfBackend === 'tensorflow' || tfBackend === 'wasm' ? tfBackend : 'cpu'], ...options.convGrad },
    };
    const table = tfKernels(ctx);
    super(options.name ?? 'tfjs', kernelFamily(KERNEL_NAMES, (k) => tidied(tf, table[k] as TfKernel<typeof k>)) as TfKernelTable);
    this.runtime = runtime;
    this.detail = [runtime.label, ...runtime.skipped.map((s) => `${s.name}: ${s.reason}`)].join('; ');
  }

  /** Makes this backend's tfjs backend the active one (several tfjs backends may share a process). */
  protected override enter(): void {
    const { tf, tfBackend } = this.runtime;
    if (tf.getBackend() === tfBackend) return;
    // Already initialised, so setBackend switches before its first await.
    void tf.setBackend(tfBackend);
    if (tf.getBackend() !== tfBackend) throw new Error(`tfjs: could not switch to the ${tfBackend} backend`);
  }

  protected upload(values: FloatArray, shape: readonly number[]): TfTensor {
    // wasm copies into its heap; the cpu and tensorflow backends would keep the caller's array.
    const data = values instanceof Float32Array && this.runtime.tfBackend === 'wasm' ? values : new Float32Array(values);
    return this.runtime.tf.tensor(data, [...shape], 'float32');
  }

  protected async download(t: TfTensor): Promise<FloatArray> {
    return this.owned(await t.data<'float32'>());
  }

  protected override downloadSync(t: TfTensor): FloatArray {
    return this.owned(t.dataSync<'float32'>());
  }

  /** tfjs's cpu backend hands out its storage itself: copy it so callers cannot corrupt it. */
  private owned(data: Float32Array): Float32Array {
    return this.runtime.tfBackend === 'cpu' ? Float32Array.from(data) : data;
  }

  protected free(t: TfTensor): void {
    t.dispose();
  }

  protected shapeOf(t: TfTensor): readonly number[] {
    return t.shape;
  }

  info(): BackendInfo {
    return { name: this.name, detail: this.detail, precision: 'float32', concrete: true };
  }

  /** Bytes and data buffers held by tfjs (process-wide tfjs numbers, see `tf.memory()`). */
  override memory(): { bytes: number; buffers: number } {
    const m = this.runtime.tf.memory();
    return { bytes: m.numBytes, buffers: m.numDataBuffers };
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
