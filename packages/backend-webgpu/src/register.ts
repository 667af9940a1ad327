import { existsSync } from 'node:fs';
import { registerBackend } from '@msflow/core';
import { createWebgpuBackend, type NodeWebgpuBackendOptions } from './node.js';
import { WebgpuError } from './runtime/errors.js';

/** Linux device nodes a hardware WebGPU adapter needs (DRM render nodes or NVIDIA's driver). */
const GPU_DEVICE_NODES = ['/dev/dri', '/dev/nvidiactl'];

/**
 * Registers two backends with core's registry:
 * - `webgpu` at `priority` (default 20, above tfjs): a hardware adapter only. On Linux without a
 *   GPU device node it fails at once with the reason, without loading Dawn (whose Vulkan probing
 *   is slow and prints driver warnings), so `auto` resolution moves on to tfjs.
 * - `webgpu-software` at priority 0 (below every other backend): accepts a software adapter
 *   (SwiftShader from Debian's chromium package), for tests, CI and benchmarks on CPU-only
 *   machines. Ask for it by name.
 *
 * @example
 * ```ts
 * import { resolveBackend } from '@msflow/core';
 * import { registerWebgpuBackend } from '@msflow/backend-webgpu';
 *
 * registerWebgpuBackend();
 * const backend = await resolveBackend(['webgpu', 'tfjs']); // tfjs on a machine without a GPU
 * const software = await resolveBackend(['webgpu-software']); // SwiftShader, if installed
 * ```
 */
export function registerWebgpuBackend(priority = 20, options: NodeWebgpuBackendOptions = {}): void {
  const name = options.name ?? 'webgpu';
  registerBackend({
    name,
    priority,
    create: async () => {
      if (process.platform === 'linux' && !GPU_DEVICE_NODES.some((p) => existsSync(p))) {
        throw new WebgpuError('no-adapter', `no GPU device on this machine (none of ${GPU_DEVICE_NODES.join(', ')}); ${name}-software runs on a software adapter (SwiftShader)`);
      }
      return createWebgpuBackend({ ...options, name, allowSoftware: false });
    },
  });
  registerBackend({ name: `${name}-software`, priority: 0, create: () => createWebgpuBackend({ ...options, name: `${name}-software`, allowSoftware: true }) });
}
