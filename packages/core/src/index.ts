/**
 * `@msflow/core`: the backend-independent heart of msflow-ts. A closed set of kernels, ops that
 * dispatch them to the active backend, reverse-mode autodiff, and (in later modules) the MSFlow
 * flow graph, training, scoring and checkpoints.
 *
 * @packageDocumentation
 */
export * from './tensor/shape.js';
export { Tensor } from './tensor/tensor.js';
export * from './kernels/kernel_names.js';
export { KERNEL_SPECS, NON_DIFFERENTIABLE, type ShapeRule } from './kernels/kernel_specs.js';
export type * from './backend/backend.js';
export * from './backend/registry.js';
export { engine, tidy, keep, dispose, setBackend, getBackend, type TapeEntry } from './engine/engine.js';
export * from './ops/index.js';
export { valueAndGrads, grad, type ValueAndGrads } from './autodiff/grad.js';
export { GRADIENTS, ZERO_GRADIENT, unbroadcast } from './autodiff/gradients.js';
export { Rng, type RngState } from './random/rng.js';
export * from './io/safetensors.js';
export * from './backbone/index.js';
export * from './flow/index.js';
export * from './msflow/index.js';
export * from './train/index.js';
export * from './score/index.js';
export * from './checkpoint/index.js';
export { halfToFloat, floatToHalf } from './io/half.js';
