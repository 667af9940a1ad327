import { availableParallelism } from 'node:os';
import { dispose, getBackend, preprocessPixels, resolveBackend, setBackend, tensor, tidy, type Backbone, type Backend, type FeatureSet, type FeatureSource, type MSFlowConfig } from '@msflow/core';
import { cacheFeatures, type ImageDataset } from '@msflow/eval';
import { registerInstalledBackends } from '../plan/backends.js';
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

/** Loaded lazily so the CLI works where onnxruntime-node is not installed. */
async function onnxRunner(backbone: Backbone, onnx: Backend, size: [number, number]): Promise<Runner> {
  const { compileOnnx, featureExtractorFn } = await import('@msflow/backend-onnx');
  const threads = Math.max(1, availableParallelism());
  const f = compileOnnx(featureExtractorFn(backbone), {
    inputs: [{ name: 'image', shape: [-1, size[0], size[1], 3] }],
    backend: onnx as never,
    session: { intraOpNumThreads: threads, graphOptimizationLevel: 'all' },
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

/**
 * The frozen backbone as a feature extractor: each image goes through it once and the pooled
 * taps are kept in memory (the features every epoch reads). Runs on onnxruntime (traced, the
 * fastest CPU path) when `@msflow/backend-onnx` works here, else on the active backend.
 *
 * @example
 * ```ts
 * const fx = await FeatureExtractor.open('default', config);
 * const train = await fx.extract(openSplit(ref, 'train', { size: config.inputSize }));
 * await fx.dispose();
 * ```
 */
export class FeatureExtractor {
  private constructor(
    readonly backbone: Backbone,
    private readonly runner: Runner,
    /** Where the backbone runs: `onnxruntime` or the backend's name. */
    readonly via: string,
    private readonly backend: Backend,
    private readonly size: [number, number],
  ) {}

  /**
   * Builds the backbone (see `createFrozenBackbone`). `useOnnx: false` forces the active backend.
   * The active backend is left as it was.
   */
  static async open(choice: BackboneChoice, config: MSFlowConfig, options: { useOnnx?: boolean } = {}): Promise<FeatureExtractor> {
    const active = getBackend();
    const size = config.inputSize;
    if (options.useOnnx !== false && active.info().name !== 'onnx') {
      await registerInstalledBackends();
      let onnx: Backend | undefined;
      try {
        onnx = await resolveBackend(['onnx']);
      } catch {
        onnx = undefined; // not installed or cannot start here: use the active backend
      }
      if (onnx) {
        setBackend(onnx);
        try {
          const backbone = createFrozenBackbone(choice, config);
          try {
            return new FeatureExtractor(backbone, await onnxRunner(backbone, onnx, size), 'onnxruntime', onnx, size);
          } catch (err) {
            backbone.dispose();
            throw err;
          }
        } finally {
          setBackend(active);
        }
      }
    }
    const backbone = createFrozenBackbone(choice, config);
    return new FeatureExtractor(backbone, eagerRunner(backbone), active.info().name, active, size);
  }

  /**
   * Runs every image of `dataset` through the backbone, in order. `transform` may change a
   * batch's pixels (NHWC, before normalisation) in place; `first` is the batch's first image index.
   */
  async extract(
    dataset: ImageDataset,
    options: {
      batchSize?: number;
      onProgress?: (done: number, total: number) => void;
      cache?: { mode: 'auto' | 'memory' | 'disk'; path: string };
      transform?: (images: Float32Array, first: number, count: number) => void;
    } = {},
  ): Promise<ExtractedSet> {
    const t0 = performance.now();
    const { height, width } = dataset.size;
    if (height !== this.size[0] || width !== this.size[1]) throw new Error(`extract: dataset size ${height}x${width} differs from the model input ${this.size.join('x')}`);
    const n = dataset.length;
    const px = height * width;
    const labels = dataset.labels();
    const masks = dataset.hasMasks ? new Uint8Array(n * px) : undefined;
    let rgb: Uint8Array | undefined;
    const shapes = this.backbone.outputShapes(height, width);
    let done = 0;
    const active = getBackend();
    setBackend(this.backend);
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
    let cached;
    try {
      cached = await cacheFeatures(batches(), { count: n, shapes, mode: options.cache?.mode ?? 'memory', path: options.cache?.path });
    } finally {
      setBackend(active);
    }
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
    const active = getBackend();
    setBackend(this.backend);
    try {
      this.backbone.dispose();
    } finally {
      setBackend(active);
    }
  }
}
