import {
  evaluate,
  setBackend,
  type Backbone,
  type BackboneWeights,
  type CheckpointContent,
  type FeatureSet,
  type MSFlowConfig,
  type MSFlowModel,
  type Trainer,
} from '@msflow/core';
import {
  compileOnnx,
  createOnnxEagerBackend,
  featureExtractorFn,
  TracedScorer,
  tracedTrainStepper,
  useOnnxRuntime,
  type CompiledOnnxFunction,
  type OnnxBackend,
  type OrtModule,
} from '@msflow/backend-onnx/browser';
import type { PageImage } from '../decode.js';
import { ort, wasmThreads } from '../ort_web.js';
import { extractFeatures, frozenBackbone, openTraining, type TrainRuntime } from './runtime.js';

const PROVIDERS = ['wasm'];

/**
 * Training on onnxruntime-web's WebAssembly: the backbone and each whole training step (forward,
 * backward, clipping, Adam) as traced ONNX graphs, the very graphs `msflow train` runs on
 * onnxruntime-node (`@msflow/backend-onnx`'s traced trainer and scorer).
 */
export class OnnxTrainRuntime implements TrainRuntime {
  readonly name = 'onnxruntime-web';
  readonly software = false;
  private extractor: CompiledOnnxFunction | undefined;
  private readonly scorers = new Map<MSFlowModel, TracedScorer>();

  private constructor(
    private readonly backend: OnnxBackend,
    private readonly backbone: Backbone,
    readonly device: string,
  ) {}

  static async open(weights: BackboneWeights, config: MSFlowConfig, source: string): Promise<OnnxTrainRuntime> {
    const { threads, why } = wasmThreads();
    ort.env.wasm.numThreads = threads;
    useOnnxRuntime({
      name: 'onnxruntime-web',
      ort: ort as unknown as OrtModule,
      defaultThreads: () => threads,
      providers: () => [{ name: 'wasm', bundled: true }, { name: 'cpu', bundled: true }],
    });
    const backend = createOnnxEagerBackend({ name: 'onnx' });
    setBackend(backend);
    return new OnnxTrainRuntime(backend, frozenBackbone(weights, config, source), `WebAssembly, ${threads} thread${threads === 1 ? '' : 's'} (${why})`);
  }

  extract(images: readonly PageImage[], onProgress: (done: number) => void, signal?: AbortSignal): Promise<FeatureSet> {
    setBackend(this.backend);
    const { height, width } = images[0];
    this.extractor ??= compileOnnx(featureExtractorFn(this.backbone), {
      inputs: [{ name: 'image', shape: [-1, height, width, 3] }],
      backend: this.backend,
      session: { executionProviders: PROVIDERS },
    });
    const f = this.extractor;
    return extractFeatures(images, this.backbone, async (x, shape) => (await f.run([{ data: x, shape }])).map((y) => y.data), onProgress, signal);
  }

  open(config: MSFlowConfig, snapshot?: CheckpointContent): { model: MSFlowModel; trainer: Trainer } {
    setBackend(this.backend);
    return openTraining(config, snapshot, { stepper: tracedTrainStepper({ executionProviders: PROVIDERS, backend: this.backend }) });
  }

  evaluate(model: MSFlowModel, features: FeatureSet, maps: boolean) {
    setBackend(this.backend);
    let scoring = this.scorers.get(model);
    if (!scoring) this.scorers.set(model, (scoring = new TracedScorer(model, { executionProviders: PROVIDERS, backend: this.backend })));
    return evaluate(model, features, { maps, scorer: scoring.scorer });
  }

  liveTensors(): number {
    return this.backend.liveTensors();
  }

  async dispose(): Promise<void> {
    await Promise.all([this.extractor?.dispose(), ...[...this.scorers.values()].map((s) => s.dispose())]);
    this.scorers.clear();
    this.backbone.dispose();
    this.backend.dispose();
  }
}
