import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import * as tfCore from '@tensorflow/tfjs-core';
import type { TF } from '../kernels/types.js';

/**
 * Which tfjs runtimes to consider, in order. `tensorflow` is native TensorFlow through
 * `@tensorflow/tfjs-node-gpu` (used only when a CUDA device works) and then
 * `@tensorflow/tfjs-node`; `tensorflow-gpu` is the GPU package alone.
 */
export type TfjsFlavor = 'tensorflow' | 'tensorflow-gpu' | 'wasm' | 'cpu';

/** The default order: native TensorFlow, then WebAssembly, then pure JavaScript. */
export const DEFAULT_PREFERENCE: readonly TfjsFlavor[] = ['tensorflow', 'wasm', 'cpu'];

/** One tfjs runtime that was tried and not used, and why. */
export interface RuntimeFailure {
  readonly name: string;
  readonly reason: string;
}

/** A started tfjs runtime. */
export interface TfjsRuntime {
  /** The tfjs namespace whose ops the kernels call (tfjs-node's own re-export for native TF). */
  readonly tf: TF;
  /** tfjs backend name: `tensorflow`, `wasm` or `cpu`. */
  readonly tfBackend: string;
  /** Which runtime it is. */
  readonly runtime: 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';
  /** Human-readable, e.g. `tfjs wasm (SIMD, 1 thread)`. */
  readonly label: string;
  /** Runtimes tried before this one, with the reason each was not used. */
  readonly skipped: readonly RuntimeFailure[];
}

/** Options of {@link selectTfjsRuntime}. */
export interface SelectOptions {
  /** Runtimes to try, in order (default {@link DEFAULT_PREFERENCE}). */
  prefer?: readonly TfjsFlavor[];
  /**
   * Loads an optional module by specifier; tests substitute it. It must throw an error with
   * `code` `MODULE_NOT_FOUND` or `ERR_MODULE_NOT_FOUND` when the package is not installed.
   */
  importModule?: (specifier: string) => Promise<unknown>;
}

const require = createRequire(import.meta.url);

class NotInstalled extends Error {}

/** Resolves first (so a missing package reads "not installed"), then imports. */
async function defaultImport(specifier: string): Promise<unknown> {
  try {
    require.resolve(specifier);
  } catch {
    throw Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' });
  }
  return import(specifier);
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].trim();
}

async function load(specifier: string, importModule: (s: string) => Promise<unknown>): Promise<unknown> {
  try {
    return await importModule(specifier);
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      // Only the package itself missing is "not installed"; a missing native binding inside an
      // installed package is a load failure.
      const msg = err instanceof Error ? err.message : '';
      if (msg.includes(`'${specifier}'`) || msg.includes(`"${specifier}"`)) throw new NotInstalled(`${specifier} is not installed`);
    }
    throw new Error(`failed to load: ${firstLine(err)}`);
  }
}

/** The tfjs namespace of an imported module (CommonJS packages arrive under `default`). */
function namespaceOf(mod: unknown): TF {
  const m = mod as { default?: unknown; setBackend?: unknown };
  if (typeof m.setBackend === 'function') return m as unknown as TF;
  const d = m.default as { setBackend?: unknown } | undefined;
  if (d && typeof d.setBackend === 'function') return d as unknown as TF;
  throw new Error('the module does not export the tfjs API');
}

type Attempt = () => Promise<Omit<TfjsRuntime, 'skipped'>>;

async function startNative(pkg: 'tfjs-node-gpu' | 'tfjs-node', importModule: (s: string) => Promise<unknown>): Promise<Omit<TfjsRuntime, 'skipped'>> {
  const tf = namespaceOf(await load(`@tensorflow/${pkg}`, importModule));
  if (!(await tf.setBackend('tensorflow'))) throw new Error("loaded, but tfjs could not start its 'tensorflow' backend");
  await tf.ready();
  const gpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
  if (pkg === 'tfjs-node-gpu') {
    if (!gpu) throw new Error('loaded, but TensorFlow found no usable CUDA device');
    return { tf, tfBackend: 'tensorflow', runtime: pkg, label: 'tfjs-node-gpu (native TensorFlow, CUDA)' };
  }
  return { tf, tfBackend: 'tensorflow', runtime: pkg, label: 'tfjs-node (native TensorFlow, CPU)' };
}

/**
 * Directory of the wasm binaries shipped inside `@tensorflow/tfjs-backend-wasm`, with a
 * trailing separator, as `setWasmPaths` wants it.
 *
 * @example
 * ```ts
 * setWasmPaths(wasmBinaryDir()); // .../node_modules/@tensorflow/tfjs-backend-wasm/dist/
 * ```
 */
export function wasmBinaryDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep;
}

async function startWasm(importModule: (s: string) => Promise<unknown>): Promise<Omit<TfjsRuntime, 'skipped'>> {
  const tf = tfCore as unknown as TF;
  const wasm = (await load('@tensorflow/tfjs-backend-wasm', importModule)) as {
    setWasmPaths(prefix: string): void;
    getThreadsCount?: () => number;
  };
  if (tf.findBackend('wasm') == null) {
    const dir = wasmBinaryDir();
    if (!existsSync(join(dir, 'tfjs-backend-wasm.wasm'))) throw new Error(`no wasm binaries in ${dir}`);
    wasm.setWasmPaths(dir); // local files: nothing is fetched
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not initialise the wasm backend');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm.getThreadsCount?.() ?? 1;
  return {
    tf,
    tfBackend: 'wasm',
    runtime: 'wasm',
    label: `tfjs wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`,
  };
}

async function startCpu(importModule: (s: string) => Promise<unknown>): Promise<Omit<TfjsRuntime, 'skipped'>> {
  const tf = tfCore as unknown as TF;
  await load('@tensorflow/tfjs-backend-cpu', importModule);
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs could not initialise the cpu backend');
  return { tf, tfBackend: 'cpu', runtime: 'cpu', label: 'tfjs cpu (pure JS)' };
}

/**
 * Starts the first tfjs runtime that works among `prefer`, collecting why earlier ones were not
 * used. Throws one error listing every failure when none starts.
 *
 * @example
 * ```ts
 * const rt = await selectTfjsRuntime({ prefer: ['wasm', 'cpu'] });
 * console.log(rt.label); // "tfjs wasm (SIMD, 1 thread)"
 * ```
 */
export async function selectTfjsRuntime(options: SelectOptions = {}): Promise<TfjsRuntime> {
  const prefer = options.prefer && options.prefer.length > 0 ? options.prefer : DEFAULT_PREFERENCE;
  const importModule = options.importModule ?? defaultImport;
  const attempts: [string, Attempt][] = [];
  const add = (name: string, attempt: Attempt) => {
    if (!attempts.some(([n]) => n === name)) attempts.push([name, attempt]);
  };
  for (const flavor of prefer) {
    if (flavor === 'tensorflow' || flavor === 'tensorflow-gpu') add('tfjs-node-gpu', () => startNative('tfjs-node-gpu', importModule));
    if (flavor === 'tensorflow') add('tfjs-node', () => startNative('tfjs-node', importModule));
    if (flavor === 'wasm') add('wasm', () => startWasm(importModule));
    if (flavor === 'cpu') add('cpu', () => startCpu(importModule));
    if (!['tensorflow', 'tensorflow-gpu', 'wasm', 'cpu'].includes(flavor)) {
      throw new Error(`unknown tfjs runtime '${String(flavor)}' (known: tensorflow, tensorflow-gpu, wasm, cpu)`);
    }
  }
  const skipped: RuntimeFailure[] = [];
  for (const [name, attempt] of attempts) {
    try {
      return { ...(await attempt()), skipped };
    } catch (err) {
      skipped.push({ name, reason: err instanceof NotInstalled ? 'not installed' : firstLine(err) });
    }
  }
  const missingNative = skipped.some((s) => s.name.startsWith('tfjs-node') && s.reason === 'not installed');
  const hint = missingNative
    ? ' (tfjs-node and tfjs-node-gpu are optional peer dependencies: npm install @tensorflow/tfjs-node, or @tensorflow/tfjs-node-gpu with CUDA)'
    : '';
  throw new Error(`no tfjs runtime could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}${hint}`);
}
