/// <reference types="@webgpu/types" />
import {
  CheckpointError,
  Rng,
  architecture,
  createBackbone,
  deserializeCheckpoint,
  dispose,
  evaluate,
  preprocessPixels,
  randomBackboneWeights,
  restoreModel,
  setBackend,
  tensor,
  tidy,
  type Backbone,
  type BackboneWeights,
  type MSFlowModel,
} from '@msflow/core';
import { createWebgpuBackend, type WebgpuBackend } from '@msflow/backend-webgpu/browser';
import { decodeBackboneWeights } from './backbone_weights.js';
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

/** The checkpoint and its backbone on the WebGPU backend; throws `model` errors for mismatches. */
async function loadOnWebgpu(bundle: ModelBundle): Promise<{ model: MSFlowModel; backbone: Backbone }> {
  if (!bundle.weights) throw new PageError('model', 'WebGPU needs the checkpoint weights (model.safetensors) with model.json');
  let model: MSFlowModel;
  try {
    model = restoreModel(deserializeCheckpoint(await bundle.weights(), bundle.sidecar, { source: 'model.safetensors' }));
  } catch (err) {
    if (err instanceof CheckpointError) throw new PageError('model', `this checkpoint does not fit together: ${err.message.split('\n')[0]} (weights of another model?)`);
    throw err;
  }
  const c = bundle.sidecar.config;
  const spec = architecture(bundle.backbone.arch, { padMode: bundle.backbone.padMode as 'zeros' | 'reflect' });
  let weights: BackboneWeights;
  if (bundle.backbone.weights === 'random') weights = randomBackboneWeights(spec, new Rng(c.seed));
  else if (bundle.backboneWeights) weights = decodeBackboneWeights(await bundle.backboneWeights());
  else {
    model.dispose();
    throw new PageError('model', `this checkpoint's backbone (${bundle.backbone.arch}) needs its weights: start the page with msflow serve, or add backbone.safetensors`);
  }
  let backbone: Backbone;
  try {
    backbone = createBackbone(spec, weights, { pool: c.pool, weightsSource: bundle.backbone.source });
  } catch (err) {
    model.dispose();
    throw new PageError('model', `the backbone weights do not fit ${spec.id}: ${(err as Error).message.split('\n')[0]}`);
  }
  const got = backbone.taps.map((t) => t.channels);
  if (got.join() !== c.channels.join()) {
    backbone.dispose();
    model.dispose();
    throw new PageError('model', `the backbone gives [${got.join(',')}] channels, the checkpoint expects [${c.channels.join(',')}]: a checkpoint of another model`);
  }
  return { model, backbone };
}

/** MSFlow on `@msflow/backend-webgpu/browser`: backbone, flows and scoring as WGSL kernels. */
export class WebgpuScorer implements Scorer {
  readonly runtime = 'webgpu';

  private constructor(
    private readonly backend: WebgpuBackend,
    private readonly model: MSFlowModel,
    private readonly backbone: Backbone,
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
    setBackend(backend);
    try {
      const { model, backbone } = await loadOnWebgpu(bundle);
      return new WebgpuScorer(backend, model, backbone, backend.info().detail);
    } catch (err) {
      backend.dispose();
      throw err;
    }
  }

  async score(image: PageImage): Promise<ScoredImage> {
    setBackend(this.backend);
    const { height, width } = image;
    const x = preprocessPixels(image.image, this.backbone.preprocess);
    const ys = tidy(() => this.backbone.extract(tensor(x, [1, height, width, 3])));
    let scales;
    try {
      const shapes = this.backbone.outputShapes(height, width);
      scales = await Promise.all(ys.map(async (y, l) => ({ shape: shapes[l], data: Float32Array.from(await y.data()) })));
    } finally {
      dispose(ys);
    }
    const out = await evaluate(this.model, { count: 1, scales }, { maps: true });
    return { score: out.nllScores[0], map: out.nllMaps!.slice(0, height * width) };
  }

  dispose(): void {
    this.backbone.dispose();
    this.model.dispose();
    this.backend.dispose();
  }
}
