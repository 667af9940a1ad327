import type ortNode from 'onnxruntime-node';

/** The parts of an onnxruntime module this package uses (onnxruntime-node and onnxruntime-web alike). */
export type OrtModule = Pick<typeof ortNode, 'InferenceSession' | 'Tensor'>;

/** An execution provider the runtime offers, and whether its library ships with it. */
export interface ExecutionProviderInfo {
  readonly name: string;
  /** Bundled providers (cpu, and webgpu on some platforms) need nothing else installed. */
  readonly bundled: boolean;
}

/**
 * The onnxruntime that sessions are created on: onnxruntime-node, which the package's main
 * entry installs, or onnxruntime-web, which a page installs through the `/browser` entry (the
 * page decides which build and where its `.wasm` lives).
 */
export interface OnnxRuntime {
  /** `onnxruntime-node`, `onnxruntime-web`: for messages and `info()`. */
  readonly name: string;
  readonly ort: OrtModule;
  /** Threads per session when the caller names none. */
  defaultThreads(): number;
  /** The execution providers this build knows. */
  providers(): ExecutionProviderInfo[];
}

let current: OnnxRuntime | undefined;

/**
 * Sets the onnxruntime every later session is created on. `@msflow/backend-onnx` sets
 * onnxruntime-node when it loads; in a browser, call it once before compiling anything.
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-web/wasm';
 * import { useOnnxRuntime } from '@msflow/backend-onnx/browser';
 *
 * useOnnxRuntime({ name: 'onnxruntime-web', ort, defaultThreads: () => 1, providers: () => [{ name: 'wasm', bundled: true }, { name: 'cpu', bundled: true }] });
 * ```
 */
export function useOnnxRuntime(runtime: OnnxRuntime): void {
  current = runtime;
}

/** The runtime set by {@link useOnnxRuntime}; throws a one-line hint when none is. */
export function onnxRuntime(): OnnxRuntime {
  if (!current) throw new Error('no onnxruntime: import @msflow/backend-onnx (Node), or call useOnnxRuntime(...) from @msflow/backend-onnx/browser first');
  return current;
}

/** The runtime's name, or `onnxruntime` before one is set (for messages that must not throw). */
export function onnxRuntimeName(): string {
  return current?.name ?? 'onnxruntime';
}
