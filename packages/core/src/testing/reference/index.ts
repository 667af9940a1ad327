/** Float64 loop implementations of every kernel: the yardstick the conformance suite measures backends with. */
export * from './array.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './matmul.js';
export * from './conv.js';
export * from './pool.js';
export * from './resize.js';
export * from './layer_norm.js';
export * from './layout.js';
export * from './topk.js';
export * from './kernels.js';
