import {
  architecture,
  createBackbone,
  MSFlowModel,
  preprocessPixels,
  restoreModel,
  restoreTrainer,
  Trainer,
  type Backbone,
  type BackboneWeights,
  type CheckpointContent,
  type EvaluationOutput,
  type FeatureSet,
  type MSFlowConfig,
  type TrainerOptions,
} from '@msflow/core';
import type { PageImage } from '../decode.js';
import { PageError } from '../errors.js';
import type { TrainRuntimeName } from './protocol.js';

/**
 * One way to run the whole training in the worker: the frozen backbone, the flows' training
 * steps and the scoring. Features come back as CPU arrays and checkpoints as bytes, so both
 * outlive a runtime (a lost GPU device hands them to the next one).
 */
export interface TrainRuntime {
  readonly name: TrainRuntimeName;
  /** What it runs on, e.g. the adapter or the number of threads. */
  readonly device: string;
  /** Whether the device is a software rasteriser (SwiftShader). */
  readonly software: boolean;
  /** Pooled backbone taps of each image (normalised here), in image order. */
  extract(images: readonly PageImage[], onProgress: (done: number) => void, signal?: AbortSignal): Promise<FeatureSet>;
  /** A fresh model, or the snapshot's model with a trainer that resumes its run. */
  open(config: MSFlowConfig, snapshot?: CheckpointContent): { model: MSFlowModel; trainer: Trainer };
  evaluate(model: MSFlowModel, features: FeatureSet, maps: boolean): Promise<EvaluationOutput>;
  /** The device loss `err` means, if its device is gone (a GPU runtime; another runtime may take over). */
  lost?(err: unknown): Promise<Error | undefined>;
  /** Tensors alive on its backend (the backbone's weights, and whatever a training has not freed). */
  liveTensors(): number;
  dispose(): Promise<void>;
}

/** Runs a normalised NHWC batch through the backbone; one array per tap. */
export type BackboneRun = (x: Float32Array, shape: [number, number, number, number]) => Promise<Float32Array[]>;

/** Builds the frozen backbone on the active backend and checks its taps against the config. */
export function frozenBackbone(weights: BackboneWeights, config: MSFlowConfig, source: string): Backbone {
  const spec = architecture(config.backbone, { padMode: config.backbonePadding });
  let backbone: Backbone;
  try {
    backbone = createBackbone(spec, weights, { pool: config.pool, weightsSource: source });
  } catch (err) {
    throw new PageError('model', `the backbone weights do not fit ${spec.id}: ${(err as Error).message.split('\n')[0]}`);
  }
  const got = backbone.taps.map((t) => t.channels);
  if (got.join() !== config.channels.join()) {
    backbone.dispose();
    throw new PageError('model', `the backbone gives [${got.join(',')}] channels, preset ${config.backbone} needs [${config.channels.join(',')}]`);
  }
  return backbone;
}

/** Features of every image, a few images per backbone run (as `msflow train` batches them). */
export async function extractFeatures(
  images: readonly PageImage[],
  backbone: Backbone,
  run: BackboneRun,
  onProgress: (done: number) => void,
  signal?: AbortSignal,
  batch = 4,
): Promise<FeatureSet> {
  const { height, width } = images[0];
  const shapes = backbone.outputShapes(height, width);
  const per = shapes.map(([h, w, c]) => h * w * c);
  const scales = shapes.map((shape, l) => ({ shape, data: new Float32Array(images.length * per[l]) }));
  const px = height * width * 3;
  for (let i = 0; i < images.length; i += batch) {
    signal?.throwIfAborted();
    const chunk = images.slice(i, i + batch);
    const x = new Float32Array(chunk.length * px);
    chunk.forEach((im, k) => x.set(preprocessPixels(im.image, backbone.preprocess), k * px));
    const ys = await run(x, [chunk.length, height, width, 3]);
    ys.forEach((y, l) => scales[l].data.set(y, i * per[l]));
    onProgress(i + chunk.length);
  }
  return { count: images.length, scales };
}

/** A fresh model and trainer, or the snapshot's model with a trainer that resumes its run, on the active backend (`options.stepper`: how steps run; absent, eagerly on it). */
export function openTraining(config: MSFlowConfig, snapshot: CheckpointContent | undefined, options: TrainerOptions = {}): { model: MSFlowModel; trainer: Trainer } {
  const model = snapshot ? restoreModel(snapshot) : MSFlowModel.create(config);
  return { model, trainer: snapshot ? restoreTrainer(model, snapshot, options) : new Trainer(model, undefined, options) };
}
