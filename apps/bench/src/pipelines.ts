import {
  MSFlowModel,
  Rng,
  Trainer,
  architecture,
  createBackbone,
  dispose,
  getBackend,
  predict,
  randomBackboneWeights,
  tensor,
  tidy,
  type Backbone,
  type FeatureSet,
  type MSFlowConfig,
  type Tensor,
} from '@msflow/core';
import { compileOnnx, featureExtractorFn, msflowInferenceFn, type CompiledOnnxFunction, type OnnxBackend } from '@msflow/backend-onnx';

/** Anomaly maps and scores of one batch, read back to the host. */
export interface InferenceResult {
  /** Additive anomaly maps [N, H, W], row-major. */
  map: Float32Array;
  scores: Float32Array;
}

/**
 * The four model-level stages of MSFlow on one backend, each a complete call that returns only
 * when its results are on the host (so a GPU backend cannot hide work behind a queue).
 */
export interface Pipelines {
  /** Frozen backbone: pooled tap features of an NHWC image batch. */
  features(images: Float32Array, n: number): Promise<FeatureSet>;
  /** Flows only: latents and log-det of a feature batch. */
  flows(features: FeatureSet): Promise<void>;
  /** One optimizer step (forward, backward, clipping, Adam) on a feature batch. */
  trainStep(features: FeatureSet): Promise<void>;
  /** Backbone + flows + scoring of an image batch. */
  inference(images: Float32Array, n: number): Promise<InferenceResult>;
  dispose(): Promise<void>;
}

/** Stage names as they appear in reports. */
export const STAGES = ['features', 'flows', 'trainStep', 'inference'] as const;
export type Stage = (typeof STAGES)[number];

/** A one-step training schedule (batch = the whole feature set) on a copy of `config`. */
function oneStep(config: MSFlowConfig, n: number): MSFlowConfig {
  return { ...config, train: { ...config.train, batchSize: n, metaEpochs: 1, subEpochs: 1 } };
}

async function toFeatureSet(ys: readonly Tensor[], n: number): Promise<FeatureSet> {
  const scales = await Promise.all(ys.map(async (y) => ({ shape: y.shape.slice(1) as [number, number, number], data: Float32Array.from(await y.data()) })));
  return { count: n, scales };
}

function featureTensors(f: FeatureSet): Tensor[] {
  return f.scales.map((s) => tensor(s.data, [f.count, ...s.shape]));
}

/** The backbone with random weights: timing does not depend on the values. */
function makeBackbone(config: MSFlowConfig): Backbone {
  const spec = architecture(config.backbone, { padMode: config.backbonePadding });
  return createBackbone(spec, randomWeights(spec));
}

const randomWeights = (spec: ReturnType<typeof architecture>) => randomBackboneWeights(spec, new Rng(7));

/**
 * Stages run op by op on the active (concrete) backend: the way tfjs, WebGPU and gpu.js run
 * MSFlow.
 */
export function eagerPipelines(config: MSFlowConfig, model: MSFlowModel, shared?: Backbone): Pipelines {
  const backbone = shared ?? makeBackbone(config);
  const [h, w] = config.inputSize;
  // Training models by batch size: the schedule (one step per run) is part of the config.
  const trainModels = new Map<number, MSFlowModel>();
  return {
    async features(images, n) {
      const ys = tidy(() => backbone.extract(tensor(images, [n, h, w, 3])));
      try {
        return await toFeatureSet(ys, n);
      } finally {
        dispose(ys);
      }
    },
    async flows(f) {
      const feats = featureTensors(f);
      const { z, logDet } = model.forward(feats);
      await Promise.all([...z, logDet].map((t) => t.data()));
      dispose([...feats, ...z, logDet]);
    },
    async trainStep(f) {
      let trainModel = trainModels.get(f.count);
      if (!trainModel) trainModels.set(f.count, (trainModel = MSFlowModel.create(oneStep(config, f.count))));
      // A fresh trainer per call runs exactly one full update (forward, backward, clip, Adam).
      const trainer = new Trainer(trainModel);
      await trainer.run(f);
      trainer.dispose();
    },
    async inference(images, n) {
      const maps = tidy(() => predict(model, backbone.extract(tensor(images, [n, h, w, 3]))));
      try {
        return { map: Float32Array.from(await maps.add.data()), scores: Float32Array.from(await maps.imageScores.data()) };
      } finally {
        dispose(maps);
      }
    },
    async dispose() {
      if (!shared) backbone.dispose();
      for (const m of trainModels.values()) m.dispose();
    },
  };
}

/**
 * Stages on onnxruntime: the backbone, the flows and the whole test-time program are traced once
 * to ONNX and run as sessions (the compiled-program path the CLI uses at test time); the train
 * step runs op by op on the eager onnx backend.
 */
export function onnxPipelines(config: MSFlowConfig, model: MSFlowModel): Pipelines {
  const backend = getBackend() as OnnxBackend;
  const backbone = makeBackbone(config);
  const [h, w] = config.inputSize;
  // Only its train step is used; it shares this backbone rather than building a second one.
  const eager = eagerPipelines(config, model, backbone);
  let flowFn: CompiledOnnxFunction | undefined;
  const extract = compileOnnx(featureExtractorFn(backbone), { backend, inputs: [{ name: 'image', shape: [-1, h, w, 3] }] });
  const infer = compileOnnx(msflowInferenceFn({ backbone, model, layout: 'nhwc' }), { backend, inputs: [{ name: 'image', shape: [-1, h, w, 3] }] });
  return {
    async features(images, n) {
      const outs = await extract.run([{ data: images, shape: [n, h, w, 3] }]);
      return { count: n, scales: outs.map((o) => ({ shape: o.shape.slice(1) as [number, number, number], data: o.data })) };
    },
    async flows(f) {
      flowFn ??= compileOnnx(
        (...ys: Tensor[]) => {
          const { z, logDet } = model.forward(ys);
          return { ...Object.fromEntries(z.map((t, i) => [`z${i + 1}`, t])), log_det: logDet };
        },
        { backend, inputs: f.scales.map((s, i) => ({ name: `y${i + 1}`, shape: [-1, ...s.shape] })) },
      );
      await flowFn.run(f.scales.map((s) => ({ data: s.data, shape: [f.count, ...s.shape] })));
    },
    trainStep: (f) => eager.trainStep(f),
    async inference(images, n) {
      const out = await infer.runNamed([{ data: images, shape: [n, h, w, 3] }]);
      return { map: out.anomaly_map.data, scores: out.score.data };
    },
    async dispose() {
      await Promise.all([extract.dispose(), infer.dispose(), flowFn?.dispose()]);
      await eager.dispose();
      backbone.dispose();
    },
  };
}
