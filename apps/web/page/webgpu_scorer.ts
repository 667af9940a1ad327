/// <reference types="@webgpu/types" />
import { createWebgpuBackend, type WebgpuBackend } from '@msflow/backend-webgpu/browser';
import { Detector, DetectorError } from '@msflow/detector/browser';
import { PageError } from './errors.js';
import type { ModelBundle } from './model.js';
import type { PageImage } from './decode.js';
import type { ScoredImage, Scorer } from './scorer.js';

/**
 * Why WebGPU cannot run here, or undefined when an adapter is available. Reads only
 * `navigator.gpu`; nothing is allocated.
 */
export async function webgpuUnavailable(): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return 'this browser has no navigator.gpu (WebGPU is missing or disabled)';
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? undefined : 'navigator.gpu found no adapter (no GPU, or WebGPU is blocked for it)';
  } catch (err) {
    return `requestAdapter failed: ${(err as Error).message}`;
  }
}

/** The checkpoint and its backbone on the WebGPU backend (`@msflow/detector/browser`); `model` errors for mismatches. */
async function loadOnWebgpu(bundle: ModelBundle, backend: WebgpuBackend): Promise<Detector> {
  if (!bundle.weights) throw new PageError('model', 'WebGPU needs the checkpoint weights (model.safetensors) with model.json');
  if (bundle.backbone.weights !== 'random' && !bundle.backboneWeights) {
    throw new PageError('model', `this checkpoint's backbone (${bundle.backbone.arch}) needs its weights: start the page with msflow serve, or add backbone.safetensors`);
  }
  try {
    return await Detector.load({ sidecar: bundle.sidecar, weights: await bundle.weights(), backbone: await bundle.backboneWeights?.() }, { backend });
  } catch (err) {
    if (err instanceof DetectorError) throw new PageError('model', `this checkpoint does not fit together: ${err.message} (weights of another model?)`);
    throw err;
  }
}

/** MSFlow on `@msflow/backend-webgpu/browser`: backbone, flows and scoring as WGSL kernels. */
export class WebgpuScorer implements Scorer {
  readonly runtime = 'webgpu';

  private constructor(
    private readonly backend: WebgpuBackend,
    private readonly detector: Detector,
    readonly device: string,
  ) {}

  /** Starts the backend on `navigator.gpu` and loads the model onto it. */
  static async open(bundle: ModelBundle): Promise<WebgpuScorer> {
    let backend: WebgpuBackend;
    try {
      backend = await createWebgpuBackend();
    } catch (err) {
      throw new PageError('webgpu', `WebGPU is not available in this browser: ${(err as Error).message}`);
    }
    try {
      return new WebgpuScorer(backend, await loadOnWebgpu(bundle, backend), backend.info().detail);
    } catch (err) {
      backend.dispose();
      throw err;
    }
  }

  /** The page's image is already at the model's size: its 8-bit RGB goes in as it is. */
  async score(image: PageImage): Promise<ScoredImage> {
    const [r] = await this.detector.predict({ width: image.width, height: image.height, data: image.rgb, channels: 3 });
    return { score: r.score, map: r.map.data };
  }

  dispose(): void {
    this.detector.dispose();
    this.backend.dispose();
  }
}
