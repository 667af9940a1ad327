/**
 * One training in the worker, start to end: read the images, extract features, train (falling
 * back to onnxruntime-web from the last completed epoch when WebGPU is lost), set the threshold,
 * hand over the checkpoint, score the test images, free everything.
 */
import { deserializeCheckpoint, serializeCheckpoint, type CheckpointContent, type FeatureSet, type MSFlowConfig, type MSFlowModel, type Trainer } from '@msflow/core';
import { decodeBackboneWeights, DEFAULT_FPR, DEFAULT_VAL_SPLIT, normalSplit, normalThreshold, subsetFeatures } from '@msflow/detector/browser';
import { PageError } from '../errors.js';
import { checkpointFiles } from './checkpoint.js';
import { imageCandidates, readTestImages, readTrainingImages } from './images.js';
import { OnnxTrainRuntime } from './onnx_runtime.js';
import type { FromWorker, PhaseSeconds, ToWorker } from './protocol.js';
import type { TrainRuntime } from './runtime.js';
import { totalSteps, trainConfig, type BackboneSource } from './settings.js';
import { WebgpuTrainRuntime } from './webgpu_runtime.js';

type Start = Extract<ToWorker, { type: 'start' }>;
type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

const now = () => performance.now();
const secondsSince = (t: number) => (now() - t) / 1000;
/** Lets the worker read a Stop message between steps. */
const yieldToEvents = () => new Promise<void>((r) => setTimeout(r, 0));

async function backboneBytes(b: BackboneSource): Promise<Uint8Array> {
  if (b.file) return new Uint8Array(await b.file.arrayBuffer());
  if (!b.url) throw new PageError('load', 'no backbone weights: start the page with msflow serve, or pick backbone.safetensors');
  const res = await fetch(b.url).catch((err: Error) => {
    throw new PageError('load', `could not load the backbone weights ${b.url}: ${err.message}`);
  });
  if (!res.ok) throw new PageError('load', `could not load the backbone weights ${b.url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The runtime the form asks for; `auto` takes a hardware WebGPU adapter, else WebAssembly, and says why. */
async function chooseRuntime(req: Start, open: { webgpu: () => Promise<TrainRuntime>; onnx: () => Promise<TrainRuntime> }): Promise<{ rt: TrainRuntime; why: string }> {
  if (req.runtime === 'onnx') return { rt: await open.onnx(), why: 'picked in the page' };
  let gpu: TrainRuntime;
  try {
    gpu = await open.webgpu();
  } catch (err) {
    const reason = (err as Error).message.replace(/^webgpu: /, '');
    if (req.runtime === 'webgpu') throw new PageError('webgpu', `WebGPU is not available in this browser: ${reason}. Pick onnxruntime-web (WebAssembly) instead.`);
    return { rt: await open.onnx(), why: `WebGPU is not available in this browser (${reason})` };
  }
  if (req.runtime === 'webgpu') return { rt: gpu, why: 'picked in the page' };
  if (gpu.software) {
    const device = gpu.device;
    await gpu.dispose();
    return { rt: await open.onnx(), why: `the only WebGPU adapter is a software one (${device}), slower than WebAssembly` };
  }
  return { rt: gpu, why: `a WebGPU adapter is available (${gpu.device})` };
}

/** Runs one training; every failure is reported as one `error` message before `done`. */
export async function runTraining(req: Start, post: Post, signal: AbortSignal): Promise<void> {
  const t0 = now();
  const seconds: PhaseSeconds = { decode: 0, features: 0, train: 0, score: 0, total: 0 };
  let rt: TrainRuntime | undefined;
  /** The runtime's tensors before any training (its backbone): what must remain after a release. */
  let baseline = 0;
  let current: { model: MSFlowModel; trainer: Trainer } | undefined;
  let status: 'completed' | 'stopped' | 'failed' = 'completed';
  const release = async () => {
    const c = current;
    current = undefined;
    if (c) {
      await c.trainer.dispose();
      c.model.dispose();
    }
  };
  try {
    const config = trainConfig(req.settings, req.backbone);
    const train = imageCandidates(req.train);
    const test = imageCandidates(req.test);
    const ignored = [...train.ignored, ...test.ignored];
    if (ignored.length) post({ type: 'notice', text: `ignored ${ignored.length} file${ignored.length === 1 ? '' : 's'} that ${ignored.length === 1 ? 'is' : 'are'} not PNG or JPEG: ${ignored.join(', ')}` });
    let t = now();
    const size = config.inputSize[0];
    const trainImages = await readTrainingImages(train.images, size, (d) => post({ type: 'phase', text: `reading the normal images (${d}/${train.images.length})`, done: d, total: train.images.length }));
    const testImages = await readTestImages(test.images, size);
    const weights = decodeBackboneWeights(await backboneBytes(req.backbone));
    seconds.decode = secondsSince(t);
    const source = req.backbone.source;
    const open = { webgpu: () => WebgpuTrainRuntime.open(weights, config, source), onnx: () => OnnxTrainRuntime.open(weights, config, source) };
    const chosen = await chooseRuntime(req, open);
    rt = chosen.rt;
    baseline = rt.liveTensors();
    post({ type: 'runtime', runtime: rt.name, device: rt.device, why: chosen.why });

    /** Runs a phase; when WebGPU is lost in it, moves to onnxruntime-web and runs it again there. */
    const onRuntime = async <T>(what: string, phase: (r: TrainRuntime) => Promise<T>): Promise<T> => {
      for (;;) {
        const r = rt!;
        try {
          return await phase(r);
        } catch (err) {
          const loss = await r.lost?.(err);
          if (!loss) throw err;
          const reason = loss.message.replace(/^webgpu: /, '');
          await release().catch(() => undefined);
          await r.dispose().catch(() => undefined);
          rt = undefined;
          post({ type: 'notice', text: `WebGPU failed during ${what} (${reason}); continuing on onnxruntime-web (WebAssembly)${what === 'training' ? (snapshot ? ` from the last completed epoch (${snapshot.sidecar.training!.step} steps)` : ' from the start') : ''}` });
          rt = await open.onnx();
          baseline = rt.liveTensors();
          post({ type: 'runtime', runtime: rt.name, device: rt.device, why: `WebGPU was lost (${reason})` });
        }
      }
    };

    t = now();
    const total = trainImages.length + testImages.length;
    const progress = (base: number) => (d: number) => post({ type: 'phase', text: `backbone features (${base + d}/${total} images)`, done: base + d, total });
    const features = await onRuntime('feature extraction', async (r) => ({
      train: await r.extract(trainImages, progress(0), signal),
      test: testImages.length ? await r.extract(testImages, progress(trainImages.length), signal) : undefined,
    }));
    seconds.features = secondsSince(t);

    // As msflow train: a fifth of the normal images held out to set the threshold on.
    const split = normalSplit(trainImages.length, DEFAULT_VAL_SPLIT, config.seed, false);
    if (split.note) post({ type: 'notice', text: split.note });
    const subset = (indices: number[]) => subsetFeatures(features.train, indices) as FeatureSet;
    const trainSet = split.validation.length ? subset(split.train) : features.train;
    const validation = split.validation.length ? subset(split.validation) : undefined;
    const steps = totalSteps(config, trainSet.count);
    post({
      type: 'plan',
      steps,
      images: trainSet.count,
      testImages: testImages.length,
      summary:
        `${req.settings.preset} preset at ${size}x${size}, ${config.train.metaEpochs} x ${config.train.subEpochs} passes over ${trainSet.count} images, batch ${config.train.batchSize}, seed ${config.seed}` +
        (validation ? `; ${validation.count} held out for the threshold` : ''),
    });
    let snapshot: CheckpointContent | undefined;
    t = now();
    const result = await onRuntime('training', (r) => train1(r, config, trainSet, snapshot, post, signal, (s) => (snapshot = s), (c) => (current = c)));
    seconds.train = secondsSince(t);
    if (result.steps === 0) {
      status = 'stopped';
      post({ type: 'notice', text: 'stopped before the first training step: nothing to keep' });
      return;
    }
    status = result.status;

    t = now();
    post({ type: 'phase', text: `scoring the ${validation ? 'held-out' : 'training'} normal images for the threshold` });
    const { model } = current!;
    const normalOut = await onRuntime('scoring', (r) => r.evaluate(model, validation ?? trainSet, true));
    if (!normalOut.nllScores.every(Number.isFinite)) throw new PageError('internal', 'the trained model gives non-finite scores on the normal images (training diverged): no checkpoint');
    const normal = normalThreshold(normalOut, DEFAULT_FPR, validation ? 'validation' : 'train');
    const files = await checkpointFiles(model, { preset: req.settings.preset, runtime: rt!.name, backbone: req.backbone.choice, normal, valSplit: split.valSplit });
    const bytes = files.weights.buffer.slice(files.weights.byteOffset, files.weights.byteOffset + files.weights.byteLength) as ArrayBuffer;
    post({ type: 'checkpoint', json: files.json, weights: bytes, status: result.status, steps: result.steps }, [bytes]);
    if (features.test) {
      post({ type: 'phase', text: `scoring ${testImages.length} test image${testImages.length === 1 ? '' : 's'}` });
      const out = await onRuntime('scoring', (r) => r.evaluate(model, features.test!, true));
      const px = size * size;
      testImages.forEach((im, i) =>
        post({ type: 'scored', name: im.name, score: out.nllScores[i], map: out.nllMaps!.slice(i * px, (i + 1) * px), rgb: im.rgb, width: size, height: size }),
      );
    }
    seconds.score = secondsSince(t);
  } catch (err) {
    if (signal.aborted && (err as Error)?.name === 'AbortError') status = 'stopped';
    else {
      status = 'failed';
      const e = err instanceof PageError ? err : new PageError('internal', `unexpected error: ${((err as Error)?.message ?? String(err)).split('\n')[0]}`);
      post({ type: 'error', kind: e.kind, message: e.message });
    }
  } finally {
    const name = rt?.name;
    await release().catch(() => undefined);
    const leakedTensors = rt ? rt.liveTensors() - baseline : 0;
    await rt?.dispose().catch(() => undefined);
    seconds.total = secondsSince(t0);
    post({ type: 'done', status, seconds, runtime: name, leakedTensors });
  }
}

/** Trains from the snapshot (or from scratch), keeping a snapshot after every completed meta-epoch; `steps` counts the run's steps so far. */
async function train1(
  rt: TrainRuntime,
  config: MSFlowConfig,
  features: FeatureSet,
  snapshot: CheckpointContent | undefined,
  post: Post,
  signal: AbortSignal,
  keep: (s: CheckpointContent) => void,
  opened: (c: { model: MSFlowModel; trainer: Trainer }) => void,
): Promise<{ status: 'completed' | 'stopped'; steps: number }> {
  const c = rt.open(config, snapshot);
  opened(c);
  const { model, trainer } = c;
  const r = await trainer.run(features, {
    signal,
    onProgress: async (e) => {
      if (e.type === 'step') {
        post({ type: 'step', step: e.step, loss: e.loss, lossPerDim: e.lossPerDim, gradNorm: e.gradNorm, lr: e.lr, metaEpoch: e.metaEpoch });
        await yieldToEvents();
      }
    },
    onMetaEpochEnd: async (tr, metaEpoch) => {
      // The run's state after this epoch, on the CPU: what a fallback resumes from (the last
      // epoch's needs no copy, the model itself is what remains).
      if (!tr.finished) {
        const s = await serializeCheckpoint(model, { trainer: tr });
        keep(deserializeCheckpoint(s.weights, s.sidecar));
      }
      const last = tr.state.metrics.last;
      post({ type: 'epoch', metaEpoch, lossPerDim: last?.lossPerDim ?? NaN });
    },
  });
  return { status: r.status === 'cancelled' ? 'stopped' : 'completed', steps: trainer.state.step };
}
