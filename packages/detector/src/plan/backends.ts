import { BackendResolutionError, getBackend, registeredBackends, resolveBackend, setBackend, type Backend } from '@msflow/core';
import { DetectorError, UsageError } from '../errors.js';

/** Backend packages the library knows, with the function each exports to register itself. */
const PACKAGES = [
  { pkg: '@msflow/backend-tfjs', register: 'registerTfjsBackend' },
  { pkg: '@msflow/backend-onnx', register: 'registerOnnxBackend' },
  { pkg: '@msflow/backend-webgpu', register: 'registerWebgpuBackend' },
  { pkg: '@msflow/backend-gpujs', register: 'registerGpujsBackend' },
] as const;

/** Whether a backend package loaded (and why not). */
export interface PackageLoad {
  pkg: string;
  error?: string;
}

let loaded: Promise<PackageLoad[]> | undefined;

/**
 * Imports every known backend package that is installed and lets it register (once per
 * process; a package that is not installed is reported, not thrown).
 *
 * @example
 * ```ts
 * for (const p of await registerInstalledBackends()) if (p.error) console.log(p.pkg, p.error);
 * ```
 */
export function registerInstalledBackends(): Promise<PackageLoad[]> {
  loaded ??= (async () => {
    const result: PackageLoad[] = [];
    for (const { pkg, register } of PACKAGES) {
      try {
        const mod = (await import(pkg)) as Record<string, unknown>;
        const fn = mod[register];
        if (typeof fn !== 'function') throw new Error(`${pkg} does not export ${register}()`);
        (fn as () => void)();
        result.push({ pkg });
      } catch (err) {
        result.push({ pkg, error: (err as Error).message.split('\n')[0] });
      }
    }
    return result;
  })();
  return loaded;
}

/** A `backend` option as a preference list: `auto` (or nothing) is every registered backend but the kernel-by-kernel `onnx` one. */
export function backendHints(backend: string | undefined): string[] {
  const known = registeredBackends();
  return !backend || backend === 'auto' ? known.filter((n) => n !== 'onnx') : backend.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Starts the eager backend a `backend` option asks for (a comma-separated preference list, or
 * `auto`) without making it active. An unknown name is a usage error; a known backend that
 * cannot start here fails with every reason.
 *
 * @example
 * ```ts
 * const backend = await startBackend('webgpu,tfjs');
 * ```
 */
export async function startBackend(backend: string | undefined): Promise<Backend> {
  await registerInstalledBackends();
  const known = registeredBackends();
  const hints = backendHints(backend);
  const unknown = hints.filter((h) => !known.includes(h));
  if (hints.length === 0 || unknown.length === hints.length) {
    throw new UsageError(`unknown backend '${unknown.join(',') || backend}' (available here: auto, ${known.join(', ')})`, { option: 'backend' });
  }
  try {
    return await resolveBackend(hints);
  } catch (err) {
    if (err instanceof BackendResolutionError) throw new DetectorError(err.message, { option: 'backend', value: backend ?? 'auto' });
    throw err;
  }
}

/**
 * Starts a backend (see {@link startBackend}) and makes it the active one.
 *
 * @example
 * ```ts
 * const backend = await useBackend('webgpu,tfjs');
 * ```
 */
export async function useBackend(backend: string | undefined): Promise<Backend> {
  const b = await startBackend(backend);
  setBackend(b);
  return b;
}

/** The active backend, or undefined when none was set. */
export function activeBackend(): Backend | undefined {
  try {
    return getBackend();
  } catch {
    return undefined;
  }
}

/**
 * Runs `fn` with `backend` active and restores the previous one afterwards (core keeps one
 * active backend per process; a detector's tensors live on its own).
 *
 * @example
 * ```ts
 * const model = onBackend(plan.backend, () => MSFlowModel.create(config));
 * ```
 */
export function onBackend<T>(backend: Backend, fn: () => T): T {
  const previous = activeBackend();
  setBackend(backend);
  let async = false;
  try {
    const r = fn();
    if (r instanceof Promise) {
      async = true;
      return r.finally(() => previous && setBackend(previous)) as T;
    }
    return r;
  } finally {
    if (!async && previous) setBackend(previous);
  }
}
