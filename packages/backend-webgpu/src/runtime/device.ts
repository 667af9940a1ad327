/// <reference types="@webgpu/types" />
import { WebgpuError, formatBytes } from './errors.js';

/** What the adapter says about itself. */
export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A CPU implementation (SwiftShader, llvmpipe, lavapipe, WARP). */
  readonly software: boolean;
}

/** Options of {@link openDevice}. */
export interface OpenDeviceOptions {
  /** Passed to `requestAdapter`. */
  powerPreference?: GPUPowerPreference;
  /** Accept a CPU (software) adapter such as SwiftShader. Default true. */
  allowSoftware?: boolean;
  /** Where the `GPU` object came from, for messages (`navigator.gpu`, `Dawn (webgpu package)`). */
  source?: string;
  /** Extra hint appended to the "no adapter" message (how to get a software adapter). */
  noAdapterHint?: string;
  /** An adapter already requested from `gpu` (skips `requestAdapter`). */
  adapter?: GPUAdapter | null;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|warp|microsoft basic render/i;

/** Limits the kernels depend on, raised to the adapter's maxima where it allows. */
const WANTED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
] as const;

/**
 * One open WebGPU device plus the backend's view of its health: the first fatal error (device
 * lost, out of memory, validation) is kept and every later call fails with it, so callers see
 * the cause rather than a cascade of follow-up errors.
 */
export class GpuContext {
  private failure: WebgpuError | null = null;
  private destroyed = false;

  /**
   * `gpu` and `gpuAdapter` are held for the device's lifetime: in Dawn for Node, a collected
   * `GPU` object frees the native instance under a device still in use (and crashes the process).
   */
  constructor(
    readonly device: GPUDevice,
    readonly adapter: AdapterSummary,
    readonly gpu?: GPU,
    readonly gpuAdapter?: GPUAdapter,
  ) {
    void device.lost.then((info) => {
      if (this.destroyed) return;
      this.fail(
        new WebgpuError(
          'device-lost',
          `the GPU device was lost (${info.reason}): ${info.message || 'no details'}; ` +
            'tensors on this backend are gone, create a new backend',
        ),
      );
    });
    device.addEventListener('uncapturederror', (ev) => {
      this.fail(classifyGpuError((ev as GPUUncapturedErrorEvent).error, 'outside any batch'));
    });
  }

  /** Device limits as plain numbers. */
  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** Records the first fatal error. */
  fail(err: WebgpuError): void {
    if (!this.failure) this.failure = err;
  }

  /** The recorded fatal error, if any. */
  get error(): WebgpuError | null {
    return this.failure;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Throws the recorded error, or a `disposed` error after {@link destroy}. */
  check(): void {
    if (this.destroyed) throw new WebgpuError('disposed', 'this backend was disposed; create a new one');
    if (this.failure) throw this.failure;
  }

  /**
   * Waits up to `ms` for a device loss in flight to be recorded: a destroyed or reset device
   * rejects pending mappings before its `lost` promise settles, and the caller should report the
   * loss, not the rejected mapping.
   */
  async settle(ms = 100): Promise<void> {
    await Promise.race([this.device.lost, new Promise((r) => setTimeout(r, ms))]);
  }

  /** Throws a clear error when a buffer of `bytes` cannot exist on this device at all. */
  checkBufferSize(bytes: number, what: string): void {
    const max = Math.min(this.limits.maxBufferSize, this.limits.maxStorageBufferBindingSize);
    if (bytes > max) {
      throw new WebgpuError(
        'out-of-memory',
        `${what} needs a ${formatBytes(bytes)} buffer, more than this device's limit of ${formatBytes(max)} per buffer`,
      );
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.device.destroy();
  }
}

/** Turns a `GPUError` into a {@link WebgpuError} of the matching kind. */
export function classifyGpuError(err: GPUError, where: string): WebgpuError {
  const type = err.constructor?.name ?? '';
  if (type.includes('OutOfMemory')) {
    return new WebgpuError('out-of-memory', `the GPU ran out of memory ${where}: ${err.message}`);
  }
  if (type.includes('Internal')) return new WebgpuError('internal', `internal GPU error ${where}: ${err.message}`);
  return new WebgpuError('validation', `WebGPU validation failed ${where} (a bug in the backend): ${err.message}`);
}

function summarize(adapter: GPUAdapter): AdapterSummary {
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const device = info?.device ?? '';
  const description = info?.description ?? '';
  const fallback = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const software = fallback || SOFTWARE.test(`${vendor} ${architecture} ${device} ${description}`);
  return { vendor, architecture, device, description, software };
}

/** Human description of an adapter, e.g. `google swiftshader (SwiftShader driver 5.0.0), software`. */
export function describeAdapter(a: AdapterSummary): string {
  const name = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const desc = a.description ? ` (${a.description})` : '';
  return `${name}${desc}${a.software ? ', software' : ''}`;
}

/**
 * Requests an adapter and a device from `gpu`, raising the limits the kernels use to the
 * adapter's maxima. Fails with a `no-adapter` {@link WebgpuError} that says why.
 *
 * @example
 * ```ts
 * const ctx = await openDevice(navigator.gpu, { source: 'navigator.gpu' });
 * console.log(describeAdapter(ctx.adapter));
 * ```
 */
export async function openDevice(gpu: GPU | undefined | null, options: OpenDeviceOptions = {}): Promise<GpuContext> {
  const source = options.source ?? 'navigator.gpu';
  const hint = options.noAdapterHint ? ` ${options.noAdapterHint}` : '';
  if (!gpu) throw new WebgpuError('no-adapter', `WebGPU is not available here (${source} is missing).${hint}`);
  let adapter = options.adapter ?? null;
  try {
    adapter ??= await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
  } catch (err) {
    throw new WebgpuError('no-adapter', `requestAdapter failed on ${source}: ${(err as Error).message}.${hint}`);
  }
  if (!adapter) throw new WebgpuError('no-adapter', `no WebGPU adapter found through ${source}.${hint}`);
  const summary = summarize(adapter);
  if (summary.software && options.allowSoftware === false) {
    throw new WebgpuError('no-adapter', `only a software adapter was found (${describeAdapter(summary)}) and allowSoftware is false`);
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, label: 'msflow' });
  } catch (err) {
    throw new WebgpuError('no-adapter', `requestDevice failed on ${describeAdapter(summary)}: ${(err as Error).message}`);
  }
  return new GpuContext(device, summary, gpu, adapter);
}
