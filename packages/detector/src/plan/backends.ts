import { BackendResolutionError, registeredBackends, resolveBackend, setBackend, type Backend } from '@msflow/core';
import { DetectorError, UsageError } from '../errors.js';

/** Backend packages the CLI knows, with the function each exports to register itself. */
const PACKAGES = [
  { pkg: '@msflow/backend-tfjs', register: 'registerTfjsBackend' },
  { pkg: '@msflow/backend-onnx', register: 'registerOnnxBackend' },
  { pkg: '@msflow/backend-webgpu', register: 'registerWebgpuBackend' },
  { pkg: '@msflow/backend-gpujs', register: 'registerGpujsBackend' },
] as const;

export interface PackageLoad {
  pkg: string;
  error?: string;
}

let loaded: PackageLoad[] | undefined;

/** Imports every known backend package that is installed and lets it register. */
export async function registerInstalledBackends(): Promise<PackageLoad[]> {
  if (loaded) return loaded;
  loaded = [];
  for (const { pkg, register } of PACKAGES) {
    try {
      const mod = (await import(pkg)) as Record<string, unknown>;
      const fn = mod[register];
      if (typeof fn !== 'function') throw new Error(`${pkg} does not export ${register}()`);
      (fn as () => void)();
      loaded.push({ pkg });
    } catch (err) {
      loaded.push({ pkg, error: (err as Error).message.split('\n')[0] });
    }
  }
  return loaded;
}

/**
 * Resolves `--backend` (comma-separated preference list, or `auto`: every registered backend by
 * priority except the kernel-by-kernel `onnx` one) and makes it active. An unknown name is a
 * usage error (exit 2); a known backend that cannot start here fails with every reason.
 *
 * @example
 * ```ts
 * const backend = await useBackend('webgpu,tfjs');
 * ```
 */
export async function useBackend(flag: string | undefined): Promise<Backend> {
  await registerInstalledBackends();
  const known = registeredBackends();
  const hints = !flag || flag === 'auto' ? known.filter((n) => n !== 'onnx') : flag.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = hints.filter((h) => !known.includes(h));
  if (hints.length === 0 || unknown.length === hints.length) {
    throw new UsageError(`--backend: unknown backend '${unknown.join(',') || flag}' (available here: auto, ${known.join(', ')}; see msflow backends)`);
  }
  try {
    const backend = await resolveBackend(hints);
    setBackend(backend);
    return backend;
  } catch (err) {
    if (err instanceof BackendResolutionError) throw new DetectorError(`--backend ${flag ?? 'auto'}: ${err.message}`);
    throw err;
  }
}
