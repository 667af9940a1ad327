import { KERNEL_NAMES, type Backend, type KernelTable } from '@msflow/core';

/**
 * A backend that computes nothing: core still checks every kernel's input shapes and derives its
 * output shape (KERNEL_SPECS), so a forward pass on it is a fast, exact shape inference of the
 * real code path (a 512 px Wide-ResNet forward in milliseconds).
 */
export function createShapeBackend(): Backend {
  const kernels: Record<string, unknown> = {};
  for (const k of KERNEL_NAMES) kernels[k] = () => ({});
  return {
    name: 'shape-only',
    kernels: kernels as KernelTable,
    write: () => ({}),
    read: () => Promise.reject(new Error('shape-only backend holds no values')),
    disposeData: () => undefined,
    info: () => ({ name: 'shape-only', detail: 'shape inference only', precision: 'float32', concrete: false }),
    dispose: () => undefined,
  };
}
