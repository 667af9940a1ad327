import { registeredBackends, resolveBackend, setBackend, type Backend } from '@msflow/core';

/** Backend packages the CLI knows, with the function each exports to register itself. */
const PACKAGES = [
  { pkg: '@msflow/backend-tfjs', register: 'registerTfjsBackend' },
  { pkg: '@msflow/backend-onnx', register: 'registerOnnxBackend' },
  { pkg: '@msflow/backend-webgpu', register: 'registerWebGpuBackend' },
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

/** Resolves `--backend` (comma-separated preference list, or `auto`) and makes it active. */
export async function useBackend(flag: string | undefined): Promise<Backend> {
  await registerInstalledBackends();
  const hints = !flag || flag === 'auto' ? registeredBackends().filter((n) => n !== 'onnx') : flag.split(',').map((s) => s.trim());
  const backend = await resolveBackend(hints);
  setBackend(backend);
  return backend;
}
