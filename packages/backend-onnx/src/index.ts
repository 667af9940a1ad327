/**
 * `@msflow/backend-onnx`: core programs on onnxruntime-node. The onnx backend runs kernels
 * eagerly (one cached one-node session each: slow, exact, what the conformance suite checks),
 * and traces whole functions into ONNX graphs (NHWC inside, NCHW at Conv/Pool nodes with the
 * layout transposes folded away) that one onnxruntime session then runs: the fast path, and
 * the export format.
 *
 * @example
 * ```ts
 * import { conv2d, relu, setBackend, tensor } from '@msflow/core';
 * import { compileOnnx, createOnnxEagerBackend } from '@msflow/backend-onnx';
 *
 * setBackend(createOnnxEagerBackend());
 * const w = tensor(weights, [3, 3, 3, 16]);
 * const f = compileOnnx((x) => relu(conv2d(x, w, { padding: 1 })), { inputs: [{ shape: [-1, 32, 32, 3] }] });
 * const [y] = await f.run([{ data: images, shape: [4, 32, 32, 3] }]);
 * ```
 *
 * @packageDocumentation
 */
// First: installs onnxruntime-node as the runtime every session is created on.
import './runtime/node.js';

export { createOnnxEagerBackend, OnnxBackend, type OnnxBackendOptions } from './backend.js';
export { registerOnnxBackend, ONNX_BACKEND_NAME } from './register.js';
export { compileOnnx, CompiledOnnxFunction, defaultOnnxBackend, type CompileOptions, type CompiledProgram, type CompileStats } from './compile/compiled.js';
export { runOnnx, type RunOnnxOptions } from './compile/run_onnx.js';
export type { InputSpec } from './compile/specs.js';
export { buildDynamicModel, buildStaticModel, PROBE_BATCHES, type BuiltModel, type BuildOptions } from './compile/build.js';
export { exportOnnx, type ExportOptions, type ExportedModel } from './compile/export.js';
export { traceGraph, type TraceResult, type TraceOutputs, type TraceableFunction } from './trace/trace.js';
export type { KernelObserver } from './trace/recorder.js';
export { generalizeBatch, type BatchSource, type Generalized } from './trace/batch.js';
export { createSession, runSession, type OnnxArray, type OnnxSession, type OnnxSessionOptions } from './runtime/session.js';
export { LOWERINGS, type Lowering, type LowerArgs } from './kernels/index.js';
export { GraphBuilder } from './graph/builder.js';
export { foldTransposes, removeDeadNodes } from './graph/optimize.js';
export { foldConstantTransposes, transposeValues } from './graph/fold_constants.js';
export { serializeModel, resolveInitializers, OPSET, IR_VERSION, type SerializeOptions } from './graph/serialize.js';
export type { GraphSpec, NodeSpec, Initializer, AttrValue, ValueInfo, Dim } from './graph/types.js';
export { kernelModel } from './runtime/eager.js';
export { msflowInferenceFn, featureExtractorFn, type MSFlowInferenceOptions } from './msflow/pipeline.js';
export { exportMSFlowOnnx, type MSFlowExportOptions } from './msflow/export_msflow.js';
export { rgb8Interface } from './msflow/rgb8_interface.js';
export { countFlops, kernelFlops } from './flops.js';
export { TracedTrainStep, tracedTrainStepper, type TracedTrainStepOptions, type TracedStepTimings } from './msflow/traced_step.js';
export { checkExecutionProviders, executionProviders, type ExecutionProviderInfo } from './runtime/providers.js';
export { onnxRuntime, useOnnxRuntime, type OnnxRuntime, type OrtModule } from './runtime/ort.js';
export { TracedScorer, type GraphParamStore, type TracedScorerOptions } from './msflow/traced_scorer.js';
