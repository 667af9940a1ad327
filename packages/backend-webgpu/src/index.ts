/**
 * `@msflow/backend-webgpu` (Node entry): the msflow op set as raw WGSL compute shaders, run
 * through Dawn (the `webgpu` package). Browsers use the `@msflow/backend-webgpu/browser` entry.
 *
 * @packageDocumentation
 */
export { WebgpuBackend, type WebgpuBackendOptions, type WebgpuStats } from './backend.js';
export { createWebgpuBackend, type NodeWebgpuBackendOptions } from './node.js';
export { registerWebgpuBackend } from './register.js';
export { WebgpuError, type WebgpuErrorKind } from './runtime/errors.js';
export { findSwiftShaderIcd, swiftShaderEnv, SWIFTSHADER_ICD_PATHS } from './runtime/swiftshader.js';
export type { KernelOptions } from './runtime/kernel_runtime.js';
