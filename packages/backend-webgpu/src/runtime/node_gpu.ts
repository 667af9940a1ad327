/// <reference types="@webgpu/types" />
import { findSwiftShaderIcd, hasVulkanLoader } from './swiftshader.js';

/** Options of {@link nodeAdapter}. */
export interface NodeAdapterOptions {
  /** Dawn options for `create()`, e.g. `['backend=vulkan']`. */
  dawnOptions?: string[];
  powerPreference?: GPUPowerPreference;
  /**
   * When no adapter is found and `VK_ICD_FILENAMES` is unset, retry with SwiftShader's Vulkan
   * ICD (from Debian's `chromium` package) if it is installed. Default true.
   */
  swiftShaderFallback?: boolean;
}

/** What {@link nodeAdapter} found. */
export interface NodeAdapterResult {
  gpu: GPU | null;
  adapter: GPUAdapter | null;
  /** Why no adapter, or which fallback was used. */
  note: string;
}

type CreateFn = (options: string[]) => GPU;

async function loadDawn(): Promise<CreateFn> {
  const mod = (await import('webgpu')) as { create: CreateFn };
  return mod.create;
}

/**
 * Gets a WebGPU adapter in Node through Dawn (the `webgpu` package). With no GPU driver and
 * `VK_ICD_FILENAMES` unset, it retries on SwiftShader when its ICD is installed, setting the
 * variable only while the adapter is requested.
 */
export async function nodeAdapter(options: NodeAdapterOptions = {}): Promise<NodeAdapterResult> {
  let create: CreateFn;
  try {
    create = await loadDawn();
  } catch (err) {
    return { gpu: null, adapter: null, note: `the webgpu package (Dawn for Node) failed to load: ${(err as Error).message}` };
  }
  const request = async (gpu: GPU) =>
    gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
  const dawn = options.dawnOptions ?? [];
  const gpu = create(dawn);
  const adapter = await request(gpu);
  if (adapter) return { gpu, adapter, note: '' };
  const icd = findSwiftShaderIcd();
  const envIcd = process.env.VK_ICD_FILENAMES;
  const loader = hasVulkanLoader()
    ? ''
    : '; the Vulkan loader libvulkan.so.1 is not installed (apt-get install libvulkan1, or start node with ' +
      'LD_LIBRARY_PATH=/usr/lib/chromium to use the copy shipped with chromium)';
  if (options.swiftShaderFallback === false || envIcd || !icd) {
    const why = envIcd
      ? `VK_ICD_FILENAMES=${envIcd} gave no adapter`
      : icd
        ? 'no Vulkan driver found'
        : 'no Vulkan driver found and no SwiftShader ICD installed (apt-get install chromium libvulkan1 provides one)';
    return { gpu, adapter: null, note: why + loader };
  }
  process.env.VK_ICD_FILENAMES = icd;
  try {
    const sw = create(dawn);
    const swAdapter = await request(sw);
    if (swAdapter) return { gpu: sw, adapter: swAdapter, note: `no GPU driver, using SwiftShader (${icd})` };
    return { gpu, adapter: null, note: `no Vulkan driver found, and SwiftShader (${icd}) gave no adapter ${loader}` };
  } finally {
    delete process.env.VK_ICD_FILENAMES;
  }
}
