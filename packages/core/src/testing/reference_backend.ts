import type { Backend, BackendInfo, DataId, FloatArray, KernelArgs, KernelImpl, KernelTable } from '../backend/backend.js';
import { setBackend } from '../engine/engine.js';
import { KERNEL_NAMES, type KernelName } from '../kernels/kernel_names.js';
import type { RefArray } from './reference/array.js';
import { runReference } from './reference/kernels.js';

/** Storage handle of the reference backend. */
class RefData {
  constructor(readonly data: Float64Array) {}
}

const INFO: BackendInfo = { name: 'reference', detail: 'float64 JS reference loops', precision: 'float64', concrete: true };

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
 * ```
 */
export function createReferenceBackend(): Backend {
  const live = new Set<RefData>();
  let bytes = 0;

  const store = (data: Float64Array): RefData => {
    const handle = new RefData(data);
    live.add(handle);
    bytes += data.byteLength;
    return handle;
  };
  const load = (id: DataId): Float64Array => {
    if (!(id instanceof RefData) || !live.has(id)) throw new Error('reference backend: unknown or disposed tensor data');
    return id.data;
  };

  const kernel = <K extends KernelName>(name: K): KernelImpl<K> => (args: KernelArgs<K>) => {
    const inputs: RefArray[] = args.inputs.map((t) => ({ shape: t.shape, data: load(t.dataId) }));
    const out = runReference(name, inputs, args.attrs);
    // Core's shape rules and the reference compute output shapes independently; disagreement is a bug.
    if (out.shape.length !== args.outShape.length || out.shape.some((d, i) => d !== args.outShape[i])) {
      throw new Error(`reference ${name}: computed shape [${out.shape.join(',')}], core expects [${args.outShape.join(',')}]`);
    }
    return store(out.data);
  };
  const kernels = Object.fromEntries(KERNEL_NAMES.map((k) => [k, kernel(k)])) as KernelTable;

  return {
    name: 'reference',
    kernels,
    write: (values: FloatArray) => store(Float64Array.from(values)),
    read: async (id) => Float64Array.from(load(id)),
    readSync: (id) => Float64Array.from(load(id)),
    disposeData(id) {
      if (id instanceof RefData && live.delete(id)) bytes -= id.data.byteLength;
    },
    info: () => INFO,
    memory: () => ({ bytes, buffers: live.size }),
    dispose() {
      live.clear();
      bytes = 0;
    },
  };
}

/**
 * Creates a reference backend and makes it the active one.
 *
 * @example
 * ```ts
 * beforeAll(() => useReferenceBackend());
 * ```
 */
export function useReferenceBackend(): Backend {
  const backend = createReferenceBackend();
  setBackend(backend);
  return backend;
}
