import type { Backend } from './backend.js';

/** A registered backend factory. `create` checks capability and throws with the reason. */
export interface BackendFactory {
  readonly name: string;
  /** Higher is tried first when no hints are given. */
  readonly priority: number;
  create(): Promise<Backend>;
}

/** Thrown when no requested backend could start; lists every attempt and why it failed. */
export class BackendResolutionError extends Error {
  override name = 'BackendResolutionError';
  constructor(readonly failures: readonly { name: string; reason: string }[]) {
    super(
      `no backend could be started: ${failures.map((f) => `${f.name}: ${f.reason}`).join('; ')}`,
    );
  }
}

const factories = new Map<string, BackendFactory>();

/**
 * Registers a backend by name and priority (a later registration of the same name replaces it).
 *
 * @example
 * ```ts
 * registerBackend({ name: 'tfjs', priority: 10, create: async () => createTfjsBackend() });
 * ```
 */
export function registerBackend(factory: BackendFactory): void {
  factories.set(factory.name, factory);
}

/** Names of registered backends, highest priority first. */
export function registeredBackends(): string[] {
  return [...factories.values()].sort((a, b) => b.priority - a.priority).map((f) => f.name);
}

/**
 * Starts the first backend that works among `hints` (or all registered ones by priority).
 * Unknown names and failed starts are collected; if none works, one error lists them all.
 *
 * @example
 * ```ts
 * const backend = await resolveBackend(['webgpu', 'tfjs']);
 * ```
 */
export async function resolveBackend(hints?: readonly string[]): Promise<Backend> {
  const names = hints && hints.length > 0 ? hints : registeredBackends();
  const failures: { name: string; reason: string }[] = [];
  if (names.length === 0) failures.push({ name: '(none)', reason: 'no backend is registered' });
  for (const name of names) {
    const factory = factories.get(name);
    if (!factory) {
      const known = registeredBackends();
      failures.push({
        name,
        reason: `not registered (registered: ${known.length ? known.join(', ') : 'none'})`,
      });
      continue;
    }
    try {
      return await factory.create();
    } catch (err) {
      failures.push({ name, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  throw new BackendResolutionError(failures);
}
