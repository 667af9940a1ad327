/** What went wrong, in words a user can act on. */
export type WebgpuErrorKind =
  | 'no-adapter'
  | 'device-lost'
  | 'out-of-memory'
  | 'validation'
  | 'internal'
  | 'disposed'
  | 'unsupported';

/**
 * Every error the WebGPU backend raises on purpose: no adapter, a lost device, an allocation
 * the device refused, or a bug caught by WebGPU validation. `kind` says which.
 *
 * @example
 * ```ts
 * try {
 *   await tensor.data();
 * } catch (err) {
 *   if (err instanceof WebgpuError && err.kind === 'out-of-memory') console.error('use smaller batches');
 * }
 * ```
 */
export class WebgpuError extends Error {
  override name = 'WebgpuError';
  constructor(
    readonly kind: WebgpuErrorKind,
    message: string,
  ) {
    super(`webgpu: ${message}`);
  }
}

/** Formats a byte count for messages (`1.5 MiB`). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}
