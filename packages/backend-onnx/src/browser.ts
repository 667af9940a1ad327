/**
 * `@msflow/backend-onnx/browser`: the onnx backend, tracing, compiled programs and the traced
 * train step and scorer without onnxruntime-node or Node built-ins, for pages and workers. The
 * page installs its onnxruntime-web build once with {@link useOnnxRuntime}; everything then runs
 * as in Node (same graphs, same trainer). Writing `.onnx` files (`exportOnnx`) stays in the main entry.
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-web/wasm';
 * import { Trainer } from '@msflow/core';
 * import { tracedTrainStepper, useOnnxRuntime } from '@msflow/backend-onnx/browser';
 *
 * useOnnxRuntime({ name: 'onnxruntime-web', ort, defaultThreads: () => 1, providers: () => [{ name: 'wasm', bundled: true }, { name: 'cpu', bundled: true }] });
 * const trainer = new Trainer(model, undefined, { stepper: tracedTrainStepper({ executionProviders: ['wasm'] }) });
 * ```
 *
 * @packageDocumentation
 */
export { onnxRuntime, useOnnxRuntime, type OnnxRuntime, type OrtModule, type ExecutionProviderInfo } from './runtime/ort.js';
export { createOnnxEagerBackend, OnnxBackend, type OnnxBackendOptions } from './backend.js';
export { compileOnnx, CompiledOnnxFunction, defaultOnnxBackend, type CompileOptions, type CompiledProgram, type CompileStats } from './compile/compiled.js';
export { runOnnx, type RunOnnxOptions } from './compile/run_onnx.js';
export type { InputSpec } from './compile/specs.js';
export { buildDynamicModel, buildStaticModel, PROBE_BATCHES, type BuiltModel, type BuildOptions } from './compile/build.js';
export { traceGraph, type TraceResult, type TraceOutputs, type TraceableFunction } from './trace/trace.js';
export { createSession, runSession, type OnnxArray, type OnnxSession, type OnnxSessionOptions } from './runtime/session.js';
export { checkExecutionProviders, executionProviders } from './runtime/providers.js';
export { msflowInferenceFn, featureExtractorFn, type MSFlowInferenceOptions } from './msflow/pipeline.js';
export { TracedTrainStep, tracedTrainStepper, type TracedTrainStepOptions, type TracedStepTimings } from './msflow/traced_step.js';
export { TracedScorer, type GraphParamStore, type TracedScorerOptions } from './msflow/traced_scorer.js';
