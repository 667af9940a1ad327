/**
 * `@msflow/core/testing`: the float64 reference backend, the kernel conformance suite that
 * every backend package runs, and the helpers behind them (reference kernels, closeness
 * assertions, finite differences, seeded random inputs).
 *
 * This entry imports vitest (for {@link describeConformance}), so load it from test files only.
 *
 * @example
 * ```ts
 * import { describeConformance } from '@msflow/core/testing';
 * describeConformance({ name: 'tfjs cpu', create: () => createTfjsBackend({ prefer: ['cpu'] }) });
 * ```
 *
 * @packageDocumentation
 */
export * from './reference/index.js';
export { createReferenceBackend, useReferenceBackend, type ReferenceBackendOptions } from './reference_backend.js';
export { assertClose, assertShape, compareArrays, type Comparison, type Tolerance } from './assert.js';
export { numericGradient, weightedSum } from './finite_diff.js';
export { randomArray, distinctArray, type RandomOptions } from './random.js';
export * from './conformance/tolerances.js';
export type { ForwardCase, GradientCase, CaseBuilder } from './conformance/types.js';
export { FORWARD_CASES, DEFAULT_SEED, forwardCases, forwardCasesOf, kernelSeed } from './conformance/forward_cases.js';
export { GRADIENT_CASES, gradientCases, gradientCasesOf } from './conformance/gradient_cases.js';
export { missingForwardCases, missingGradientCases } from './conformance/coverage.js';
export { runForwardCase, runGradientCase } from './conformance/run.js';
export { describeConformance, type ConformanceOptions } from './conformance/describe.js';
export { tinyMSFlowConfig, TINY_FEATURE_SIZES, randomFeatureSet, recordTraining, relativeError, type RecordedTraining } from './msflow_run.js';
