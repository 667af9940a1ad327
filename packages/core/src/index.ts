/**
 * `@msflow/core`: the backend-independent heart of msflow-ts. The closed set of kernels (names,
 * shape rules, host-side geometry), the backend contract and the shell backends build on
 * ({@link KernelBackend}), ops that dispatch kernels to the active backend, reverse-mode
 * autodiff, the flow graph, the MSFlow model, training, scoring and checkpoints. No platform
 * imports: backends and I/O live in other packages.
 *
 * @packageDocumentation
 */
export * from './tensor/shape.js';
export { Tensor } from './tensor/tensor.js';
export * from './kernels/kernel_names.js';
export { KERNEL_SPECS, type ShapeRule } from './kernels/kernel_specs.js';
export * from './kernels/geometry.js';
export type * from './backend/backend.js';
export { joinKernels, kernelFamily, type KernelCall, type BackendKernel, type BackendKernels } from './backend/kernel_call.js';
export { KernelBackend } from './backend/kernel_backend.js';
export * from './backend/registry.js';
export { engine, tidy, keep, dispose, setBackend, getBackend, type TapeEntry } from './engine/engine.js';
export * from './ops/index.js';
export { valueAndGrads, grad, type ValueAndGrads } from './autodiff/grad.js';
export { GRADIENTS, NON_DIFFERENTIABLE, ZERO_GRADIENT, unbroadcast } from './autodiff/gradients.js';
export { Rng, type RngState } from './random/rng.js';
export * from './io/safetensors.js';
export * from './backbone/index.js';
export * from './flow/index.js';
export * from './models/msflow/index.js';
export * from './train/index.js';
export * from './score/index.js';
export * from './checkpoint/index.js';
export { halfToFloat, floatToHalf } from './io/half.js';
