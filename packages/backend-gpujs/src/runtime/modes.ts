import { GPU, isTexture, type GpuInstance, type GpujsMode } from './gpujs.js';

/** The order gpu.js itself prefers: GL when a context exists, then WebAssembly, then CPU. */
export const AUTO_ORDER: readonly GpujsMode[] = ['headlessgl', 'webgl2', 'webgl', 'webasm', 'cpu'];

/** What each mode is, for `info().detail`. */
export const MODE_LABELS: Readonly<Record<GpujsMode, string>> = {
  headlessgl: 'headless-gl (WebGL 1 in Node via the `gl` package; textures kept on the GPU)',
  webgl2: 'WebGL2 (textures kept on the GPU)',
  webgl: 'WebGL (textures kept on the GPU)',
  webasm: 'WebAssembly (f32x4 SIMD, single thread; plain arrays between kernels)',
  cpu: 'CPU (JavaScript; plain arrays between kernels)',
};

/** Why webgpu is never tried: its gpu.js kernels return Promises, core kernels are synchronous. */
export const WEBGPU_NOTE =
  'webgpu: not used (gpu.js webgpu kernels resolve asynchronously; core kernels run synchronously, use @msflow/backend-webgpu)';

/** A mode that was tried and not used. */
export interface ModeFailure {
  readonly mode: GpujsMode;
  readonly reason: string;
}

/** The gpu.js instance a backend runs on. */
export interface SelectedMode {
  readonly gpu: GpuInstance;
  readonly mode: GpujsMode;
  /** Modes earlier in the preference that could not start, and why. */
  readonly skipped: readonly ModeFailure[];
}

function unsupported(mode: GpujsMode): string | null {
  switch (mode) {
    case 'headlessgl':
      return GPU.isHeadlessGLSupported ? null : 'no headless-gl context (the optional `gl` package is not built, or it has no display: see the README)';
    case 'webgl2':
      return GPU.isWebGL2Supported ? null : 'no WebGL2 context (not a browser, or WebGL2 is disabled)';
    case 'webgl':
      return GPU.isWebGLSupported ? null : 'no WebGL context (not a browser, or WebGL is disabled)';
    case 'webasm':
      return GPU.isWebAssemblySupported ? null : 'WebAssembly is unavailable';
    case 'cpu':
      return null;
  }
}

/** Runs a tiny kernel end to end; throws unless it computes 2x+1. */
function probe(gpu: GpuInstance): void {
  const k = gpu.createKernel('function(x) { return x[this.thread.x] * 2.0 + 1.0; }', {
    output: [4], pipeline: true, immutable: true, precision: 'single', tactic: 'precision', loopMaxIterations: 1000,
  });
  try {
    const out = k(Float32Array.from([0, 1, 2, 3]));
    const values = isTexture(out) ? out.toArray() : out;
    if (isTexture(out)) out.delete();
    const ok = values instanceof Float32Array && [1, 3, 5, 7].every((v, i) => values[i] === v);
    if (!ok) throw new Error(`probe kernel computed ${String(values)} instead of 1,3,5,7`);
  } finally {
    k.destroy();
  }
}

/**
 * Starts gpu.js in the first mode of `prefer` that is supported and runs a probe kernel
 * correctly. Throws with every mode's reason when none does.
 *
 * @example
 * ```ts
 * const { mode, skipped } = selectGpujsMode(['headlessgl', 'webasm']);
 * // mode === 'webasm'; skipped[0].reason explains why headless-gl did not start
 * ```
 */
export function selectGpujsMode(prefer: readonly GpujsMode[] = AUTO_ORDER): SelectedMode {
  const skipped: ModeFailure[] = [];
  for (const mode of prefer) {
    const reason = unsupported(mode);
    if (reason) {
      skipped.push({ mode, reason });
      continue;
    }
    let gpu: GpuInstance | undefined;
    try {
      gpu = new GPU({ mode });
      probe(gpu);
      return { gpu, mode, skipped };
    } catch (err) {
      void gpu?.destroy();
      skipped.push({ mode, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  throw new Error(`gpu.js could not start: ${skipped.map((s) => `${s.mode}: ${s.reason}`).join('; ')}`);
}
