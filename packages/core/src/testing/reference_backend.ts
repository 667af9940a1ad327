import type { Backend, BackendInfo, FloatArray } from '../backend/backend.js';
import { KernelBackend } from '../backend/kernel_backend.js';
import type { BackendKernel, BackendKernels } from '../backend/kernel_call.js';
import { setBackend } from '../engine/engine.js';
import { KERNEL_NAMES, type KernelName } from '../kernels/kernel_names.js';
import type { RefArray } from './reference/array.js';
import { runReference } from './reference/kernels.js';

/** Options of {@link createReferenceBackend}. */
export interface ReferenceBackendOptions {
  /**
   * Round every stored value (writes and kernel outputs) to float32, like a float32 backend:
   * the stated float32 tolerances are checked against it, and a float32 checkpoint captures its
   * state exactly. Default false.
   */
  float32?: boolean;
  /** Kernels run instead of the reference ones (the suite's mutation test plants bugs this way). */
  kernels?: Partial<BackendKernels<RefArray>>;
}

const roundToFloat32 = (data: Float64Array): Float64Array => Float64Array.from(Float32Array.from(data));

/** The float64 reference loops as a backend; a value is a {@link RefArray}. */
class ReferenceBackend extends KernelBackend<RefArray> {
  protected override readonly bytesPerElement = 8;
  private readonly detail: BackendInfo;
  private readonly round: (d: Float64Array) => Float64Array;

  constructor(options: ReferenceBackendOptions) {
    const round = options.float32 ? roundToFloat32 : (d: Float64Array) => d;
    const kernels: Partial<Record<KernelName, BackendKernel<KernelName, RefArray>>> = {};
    for (const k of KERNEL_NAMES) {
      const own = options.kernels?.[k] as BackendKernel<KernelName, RefArray> | undefined;
      // Core's shape rules and the reference compute output shapes independently: the base
      // class's output check makes a disagreement an error.
      const run: BackendKernel<KernelName, RefArray> = own ?? (({ inputs, attrs }) => runReference(k, inputs, attrs));
      kernels[k] = (call) => {
        const out = run(call);
        return { shape: out.shape, data: round(out.data) };
      };
    }
    const name = options.float32 ? 'reference-f32' : 'reference';
    super(name, kernels as BackendKernels<RefArray>);
    this.detail = options.float32
      ? { name, detail: 'float64 JS reference loops, every stored value rounded to float32', precision: 'float32', concrete: true }
      : { name, detail: 'float64 JS reference loops', precision: 'float64', concrete: true };
    this.round = round;
  }

  protected upload(values: FloatArray, shape: readonly number[]): RefArray {
    return { shape: [...shape], data: this.round(Float64Array.from(values)) };
  }

  protected async download(value: RefArray): Promise<Float64Array> {
    return Float64Array.from(value.data);
  }

  protected override downloadSync(value: RefArray): Float64Array {
    return Float64Array.from(value.data);
  }

  protected free(): void {}

  protected shapeOf(value: RefArray): readonly number[] {
    return value.shape;
  }

  info(): BackendInfo {
    return this.detail;
  }
}

/**
 * Creates a backend whose storage is Float64Array and whose kernels are the float64 reference
 * loops. It registers nothing; pass it to `setBackend` (or call {@link useReferenceBackend}).
 * Slow but exact enough that finite differences on it are trustworthy, which is why core's own
 * autodiff and model tests run on it.
 *
 * @example
 * ```ts
 * const backend = createReferenceBackend();
 * setBackend(backend);
 * const y = relu(tensor([-1, 2], [2])); // Float64Array [0, 2]
 * const f32 = createReferenceBackend({ float32: true }); // rounds what it stores to float32
 * ```
 */
export function createReferenceBackend(options: ReferenceBackendOptions = {}): Backend {
  return new ReferenceBackend(options);
}

/**
 * Creates a reference backend and makes it the active one.
 *
 * @example
 * ```ts
 * beforeAll(() => useReferenceBackend());
 * ```
 */
export function useReferenceBackend(options: ReferenceBackendOptions = {}): Backend {
  const backend = createReferenceBackend(options);
  setBackend(backend);
  return backend;
}
