import { availableParallelism } from 'node:os';
import { dispose, preprocessPixels, tensor, tidy, type Backbone, type Backend, type FeatureSet, type FeatureSource, type MSFlowConfig } from '@msflow/core';
import { cacheFeatures, type ImageDataset } from '@msflow/data';
import { onBackend } from '../plan/backends.js';
import { createFrozenBackbone, type BackboneChoice } from './backbone.js';

/** Features of a dataset, plus what reports need. */
export interface ExtractedSet {
  /** In memory (float32), or a float16 file on disk for sets too large for memory. */
  features: FeatureSet | FeatureSource;
  /** Where the features are kept. */
  where: 'memory' | 'disk';
  labels: Uint8Array;
  /** 0/1 masks at the input size, when the dataset has them. */
  masks?: Uint8Array;
  /** Resized 8-bit RGB, when the dataset keeps it. */
  rgb?: Uint8Array;
  paths: string[];
  types: string[];
  seconds: number;
}

interface Runner {
  run(x: Float32Array, shape: [number, number, number, number]): Promise<Float32Array[]>;
  dispose(): Promise<void> | void;
}

/** The backbone as one compiled onnxruntime program (loaded lazily: the library works without onnxruntime-node). */
async function onnxRunner(backbone: Backbone, onnx: Backend, providers: readonly string[], size: [number, number]): Promise<Runner> {
  const { compileOnnx, featureExtractorFn } = await import('@msflow/backend-onnx');
  const threads = Math.max(1, availableParallelism());
  const f = compileOnnx(featureExtractorFn(backbone), {
    inputs: [{ name: 'image', shape: [-1, size[0], size[1], 3] }],
    backend: onnx as never,
    session: { intraOpNumThreads: threads, graphOptimizationLevel: 'all', executionProviders: [...providers] },
  });
  return {
    run: async (x, shape) => (await f.run([{ data: x, shape }])).map((y) => y.data as Float32Array),
    dispose: () => f.dispose(),
  };
}

function eagerRunner(backbone: Backbone): Runner {
  return {
    async run(x, shape) {
      const ys = tidy(() => backbone.extract(tensor(x, shape)));
      try {
        return await Promise.all(ys.map(async (y) => Float32Array.from(await y.data())));
      } finally {
        dispose(ys);
      }
    },
    dispose() {},
  };
}

/** Where {@link FeatureExtractor.open} builds the backbone: compiled for onnxruntime, or kernel by kernel on a backend. */
export type ExtractorPlacement = { onnx: { backend: Backend; providers: readonly string[] }; via: string } | { backend: Backend };

/**
 * The images a {@link FeatureExtractor} reads: an `@msflow/data` dataset, or anything with the
 * same shape (e.g. images already in memory). Values must be RGB in [0, 1]: the backbone
 * applies its own normalisation.
 */
export type ImageSource = Pick<ImageDataset, 'size' | 'length' | 'labels' | 'hasMasks' | 'batches' | 'entries'> & { readonly normalization?: unknown };

/**
 * The frozen backbone as a feature extractor: each image goes through it once and the pooled
 * taps are kept in memory (the features every epoch reads). Where it runs is the execution
 * plan's decision (`ExecutionPlan.openExtractor`): one compiled onnxruntime program, or kernel
 * by kernel on the plan's backend. The backbone normalises its input itself
 * (`backbone.preprocess`), so images always come in as RGB in [0, 1].
 *
 * @example
 * ```ts
 * const fx = await plan.openExtractor('default', config);
 * const train = await fx.extract(openSplit(ref, 'train', { size: config.inputSize }));
 * await fx.dispose();
 * ```
 */
export class FeatureExtractor {
  private constructor(
    readonly backbone: Backbone,
    private readonly runner: Runner,
    /** Where the backbone runs: `onnxruntime (...)` or the backend's name. */
    readonly via: string,
    private readonly backend: Backend,
    private readonly size: [number, number],
  ) {}

  /** Builds the backbone (see `createFrozenBackbone`) where `placement` says. The active backend is left as it was. */
  static async open(choice: BackboneChoice, config: MSFlowConfig, placement: ExtractorPlacement): Promise<FeatureExtractor> {
    const size = config.inputSize;
    if ('onnx' in placement) {
      const { backend, providers } = placement.onnx;
      const backbone = onBackend(backend, () => createFrozenBackbone(choice, config));
      try {
        return new FeatureExtractor(backbone, await onnxRunner(backbone, backend, providers, size), placement.via, backend, size);
      } catch (err) {
        onBackend(backend, () => backbone.dispose());
        throw err;
      }
    }
    const backbone = onBackend(placement.backend, () => createFrozenBackbone(choice, config));
    return new FeatureExtractor(backbone, eagerRunner(backbone), placement.backend.info().name, placement.backend, size);
  }

  /**
   * Runs every image of `dataset` through the backbone, in order. `transform` may change a
   * batch's pixels (NHWC, before normalisation) in place; `first` is the batch's first image index.
   */
  async extract(
    dataset: ImageSource,
    options: {
      batchSize?: number;
      onProgress?: (done: number, total: number) => void;
      cache?: { mode: 'auto' | 'memory' | 'disk'; path: string };
      transform?: (images: Float32Array, first: number, count: number) => void;
    } = {},
  ): Promise<ExtractedSet> {
    const t0 = performance.now();
    const { height, width } = dataset.size;
    if (dataset.normalization) throw new Error(`extract: ${(dataset as { name?: string }).name ?? 'the dataset'} is normalised; the backbone takes RGB in [0, 1] (open it with normalization: null)`);
    if (height !== this.size[0] || width !== this.size[1]) throw new Error(`extract: dataset size ${height}x${width} differs from the model input ${this.size.join('x')}`);
    const n = dataset.length;
    const px = height * width;
    const labels = dataset.labels();
    const masks = dataset.hasMasks ? new Uint8Array(n * px) : undefined;
    let rgb: Uint8Array | undefined;
    const shapes = this.backbone.outputShapes(height, width);
    let done = 0;
    const { backbone, runner } = this;
    async function* batches(): AsyncGenerator<FeatureSet> {
      for await (const batch of dataset.batches(options.batchSize ?? 8)) {
        options.transform?.(batch.images, done, batch.size);
        const x = preprocessPixels(batch.images, backbone.preprocess);
        const ys = await runner.run(x, [batch.size, height, width, 3]);
        if (masks && batch.masks) masks.set(batch.masks, done * px);
        if (batch.rgb) (rgb ??= new Uint8Array(n * px * 3)).set(batch.rgb, done * px * 3);
        done += batch.size;
        options.onProgress?.(done, n);
        yield { count: batch.size, scales: ys.map((data, l) => ({ shape: shapes[l], data })) };
      }
    }
    const cached = await onBackend(this.backend, () => cacheFeatures(batches(), { count: n, shapes, mode: options.cache?.mode ?? 'memory', path: options.cache?.path }));
    return {
      features: cached.features,
      where: cached.where,
      labels,
      masks,
      rgb,
      paths: dataset.entries.map((e) => e.path),
      types: dataset.entries.map((e) => e.type),
      seconds: (performance.now() - t0) / 1000,
    };
  }

  /** Frees the backbone and the onnxruntime session. */
  async dispose(): Promise<void> {
    await this.runner.dispose();
    onBackend(this.backend, () => this.backbone.dispose());
  }
}
