import { onnxRuntime, type ExecutionProviderInfo } from './ort.js';

export type { ExecutionProviderInfo };

/**
 * The execution providers the package's onnxruntime lists (onnxruntime-node: e.g. cpu and
 * webgpu bundled; cuda and tensorrt only with their provider libraries installed beside it).
 *
 * @example
 * ```ts
 * executionProviders().map((p) => p.name); // ['cpu', 'webgpu', 'cuda', 'tensorrt']
 * ```
 */
export function executionProviders(): ExecutionProviderInfo[] {
  return onnxRuntime().providers();
}

/**
 * Checks an execution-provider preference list against {@link executionProviders}; an unknown
 * name throws one line listing the available ones. The list is kept in order: onnxruntime
 * places each node on the first provider that supports it, so `['cuda', 'cpu']` falls back
 * node by node.
 *
 * @example
 * ```ts
 * checkExecutionProviders(['cuda', 'cpu']); // ['cuda', 'cpu'], or throws where cuda is not listed
 * ```
 */
export function checkExecutionProviders(names: readonly string[]): string[] {
  const known = executionProviders();
  const list = names.map((n) => n.trim().toLowerCase()).filter(Boolean);
  if (list.length === 0) throw new Error(`execution providers: the list is empty (available here: ${describeProviders(known)})`);
  for (const n of list) {
    if (!known.some((p) => p.name === n)) throw new Error(`execution providers: unknown provider '${n}' (available here: ${describeProviders(known)})`);
  }
  return list;
}

function describeProviders(known: readonly ExecutionProviderInfo[]): string {
  return known.map((p) => (p.bundled ? p.name : `${p.name} (needs its provider library)`)).join(', ');
}
