// The suite on the reference backend with every kernel output rounded to float32: a stand-in
// for a float32 backend, showing the stated float32 tolerances hold (forward and gradients)
// for results that carry float32 rounding at every kernel boundary.
import type { Backend, DataId, KernelTable } from '@msflow/core';
import { createReferenceBackend, describeConformance } from '@msflow/core/testing';

function float32Rounding(inner: Backend): Backend {
  const round = (id: DataId, shape: readonly number[]): DataId => {
    const v = Float32Array.from(inner.readSync!(id, shape));
    inner.disposeData(id);
    return inner.write(v, shape);
  };
  const kernels = Object.fromEntries(
    Object.entries(inner.kernels).map(([k, impl]) => [k, (args: Parameters<typeof impl>[0]) => round(impl(args as never), args.outShape)]),
  ) as KernelTable;
  return {
    ...inner,
    name: 'reference-f32',
    kernels,
    write: (values, shape) => inner.write(Float32Array.from(values), shape),
    info: () => ({ ...inner.info(), name: 'reference-f32', precision: 'float32' }),
  };
}

describeConformance({ name: 'reference rounded to float32', create: () => float32Rounding(createReferenceBackend()) });
