/// <reference types="@webgpu/types" />
import {
  dispose,
  evaluate,
  setBackend,
  tensor,
  tidy,
  type Backbone,
  type BackboneWeights,
  type CheckpointContent,
  type FeatureSet,
  type MSFlowConfig,
  type MSFlowModel,
  type Trainer,
} from '@msflow/core';
import { createWebgpuBackend, WebgpuError, type WebgpuBackend } from '@msflow/backend-webgpu/browser';
import type { PageImage } from '../decode.js';
import { extractFeatures, frozenBackbone, openTraining, type TrainRuntime } from './runtime.js';

const gpuGone = (err: unknown) => err instanceof WebgpuError && (err.kind === 'device-lost' || err.kind === 'out-of-memory');

/** Training on our WGSL kernels (`navigator.gpu`): backbone, eager training steps and scoring as in `msflow train --backend webgpu --trainer eager`. */
export class WebgpuTrainRuntime implements TrainRuntime {
  readonly name = 'webgpu';

  private constructor(
    private readonly backend: WebgpuBackend,
    private readonly backbone: Backbone,
    readonly device: string,
    readonly software: boolean,
  ) {}

  /** Opens the device and uploads the backbone; fails with a `WebgpuError` (`no-adapter`) without WebGPU. */
  static async open(weights: BackboneWeights, config: MSFlowConfig, source: string): Promise<WebgpuTrainRuntime> {
    const backend = await createWebgpuBackend();
    setBackend(backend);
    try {
      const rt = new WebgpuTrainRuntime(backend, frozenBackbone(weights, config, source), backend.info().detail, backend.ctx.adapter.software);
      // For tests: loses the device the way a driver reset would (never called by the page).
      (globalThis as { msflowTest?: object }).msflowTest = { loseGpuDevice: () => backend.ctx.device.destroy() };
      return rt;
    } catch (err) {
      backend.dispose();
      throw err;
    }
  }

  extract(images: readonly PageImage[], onProgress: (done: number) => void, signal?: AbortSignal): Promise<FeatureSet> {
    setBackend(this.backend);
    return extractFeatures(images, this.backbone, async (x, shape) => {
      const ys = tidy(() => this.backbone.extract(tensor(x, shape)));
      try {
        return await Promise.all(ys.map(async (y) => Float32Array.from(await y.data())));
      } finally {
        dispose(ys);
      }
    }, onProgress, signal);
  }

  open(config: MSFlowConfig, snapshot?: CheckpointContent): { model: MSFlowModel; trainer: Trainer } {
    setBackend(this.backend);
    return openTraining(config, snapshot);
  }

  evaluate(model: MSFlowModel, features: FeatureSet, maps: boolean) {
    setBackend(this.backend);
    return evaluate(model, features, { maps });
  }

  /**
   * The loss `err` means, if the GPU can no longer run this training (lost device, out of
   * memory): another runtime may take over. A loss may surface first as another failure (a
   * rejected mapping), so the device's own record decides too.
   */
  async lost(err: unknown): Promise<Error | undefined> {
    if (gpuGone(err)) return err as Error;
    await this.backend.ctx.settle(1000);
    const recorded = this.backend.ctx.error;
    return gpuGone(recorded) ? recorded! : undefined;
  }

  liveTensors(): number {
    return this.backend.liveTensors();
  }

  async dispose(): Promise<void> {
    delete (globalThis as { msflowTest?: object }).msflowTest;
    try {
      this.backbone.dispose();
    } finally {
      this.backend.dispose();
    }
  }
}
