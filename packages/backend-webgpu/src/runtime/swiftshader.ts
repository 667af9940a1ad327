import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Finding a software Vulkan driver for Dawn on machines without a GPU: SwiftShader as shipped
 * by Debian's `chromium` package (`vk_swiftshader_icd.json`, plus its own copy of the Vulkan
 * loader `libvulkan.so.1` next to it, used when the system has no `libvulkan1`).
 */

/** Where chromium packages put SwiftShader's Vulkan ICD manifest. */
export const SWIFTSHADER_ICD_PATHS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
  '/usr/lib64/chromium-browser/vk_swiftshader_icd.json',
  '/opt/google/chrome/vk_swiftshader_icd.json',
];

const SYSTEM_ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const SYSTEM_LOADERS = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1'];

/** The first SwiftShader ICD manifest found on this machine. */
export function findSwiftShaderIcd(): string | undefined {
  return SWIFTSHADER_ICD_PATHS.find((p) => existsSync(p));
}

/** Whether a system Vulkan driver manifest is installed (a GPU or Mesa driver). */
export function hasSystemVulkanDriver(): boolean {
  return SYSTEM_ICD_DIRS.some((d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.json')));
}

/** Whether the Vulkan loader `libvulkan.so.1` is installed or on `LD_LIBRARY_PATH`. */
export function hasVulkanLoader(env: NodeJS.ProcessEnv = process.env): boolean {
  const dirs = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return SYSTEM_LOADERS.some((p) => existsSync(p)) || dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

/**
 * Environment variables that make Dawn find SwiftShader in a process started with them:
 * `VK_ICD_FILENAMES` (unless one is set or a system driver exists) and, when no Vulkan loader
 * can be found, `LD_LIBRARY_PATH` with chromium's bundled one. The loader path only works for
 * a process started afterwards (the dynamic linker reads it at start-up): test runners and the
 * bench launcher apply it to their child processes.
 *
 * @example
 * ```ts
 * spawn(process.execPath, ['bench.js'], { env: { ...process.env, ...swiftShaderEnv() } });
 * ```
 */
export function swiftShaderEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  const icd = findSwiftShaderIcd();
  if (!icd) return out;
  if (!env.VK_ICD_FILENAMES && !hasSystemVulkanDriver()) out.VK_ICD_FILENAMES = icd;
  // The loader is needed whichever driver is used (also when VK_ICD_FILENAMES was set by hand).
  const dir = dirname(icd);
  if (!hasVulkanLoader(env) && existsSync(join(dir, 'libvulkan.so.1'))) {
    out.LD_LIBRARY_PATH = [dir, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  return out;
}
