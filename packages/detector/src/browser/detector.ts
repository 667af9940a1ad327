import {
  architecture,
  assertFiniteScores,
  CheckpointError,
  createBackbone,
  decodeSafetensors,
  deserializeCheckpoint,
  dispose,
  evaluate,
  getBackend,
  preprocessPixels,
  randomBackboneWeights,
  restoreModel,
  Rng,
  setBackend,
  tensor,
  tidy,
  type Backbone,
  type Backend,
  type BackboneWeights,
  type CheckpointSidecar,
  type MSFlowConfig,
  type MSFlowModel,
} from '@msflow/core';
import { preprocessImage } from '@msflow/data/browser';
import { rawImage, type PixelImage } from '../data/images.js';
import { DetectorError, UsageError } from '../errors.js';
import { missingThreshold, normalized, pickThreshold, type ChosenThreshold, type ThresholdMode, type Thresholds } from '../model/thresholds.js';

/** The files of a saved detector, as bytes (fetched, or picked by the user). */
export interface DetectorFiles {
  /** `model.json` (bytes, text or the parsed object). */
  sidecar: Uint8Array | string | object;
  /** `model.safetensors`. */
  weights: Uint8Array;
  /**
   * The backbone's folded weights (`backbone.safetensors`, as `msflow serve` serves them);
   * not needed for a `random` backbone.
   */
  backbone?: Uint8Array;
}

/** One scored image (see the Node entry's `Prediction`). */
export interface BrowserPrediction {
  /** The user-facing score: top-k mean of the negative log-likelihood map. */
  score: number;
  /** `score` mapped to (0, 1) with the threshold at 0.5 (NaN without stored normal scores). */
  normalized: number;
  /** The paper's image score (top-k mean of the multiplicative map). */
  paperScore: number;
  /** 1 = anomalous (score >= threshold), 0 = normal; null without a threshold. */
  label: 0 | 1 | null;
  /** Per-pixel anomaly (the negative log-likelihood map) at the model's input size. */
  map: { width: number; height: number; data: Float32Array };
}

type Sidecar = CheckpointSidecar & { cli?: { backbone?: string; thresholds?: Thresholds } };

function parseSidecar(s: DetectorFiles['sidecar']): Sidecar {
  try {
    return (s instanceof Uint8Array ? JSON.parse(new TextDecoder().decode(s)) : typeof s === 'string' ? JSON.parse(s) : s) as Sidecar;
  } catch {
    throw new UsageError('not valid JSON (expected the model.json of a saved detector)', { option: 'sidecar' });
  }
}

/**
 * Backbone weights from `backbone.safetensors` as `msflow serve` serves it (`<conv>.filter`,
 * `<conv>.bias`, folded, flat float32): what scoring and a page that trains both read.
 *
 * @example
 * ```ts
 * const weights = decodeBackboneWeights(new Uint8Array(await (await fetch('backbone.safetensors')).arrayBuffer()));
 * ```
 */
export function decodeBackboneWeights(bytes: Uint8Array): BackboneWeights {
  const { tensors } = decodeSafetensors(bytes, 'backbone.safetensors');
  const weights: BackboneWeights = new Map();
  for (const [name, t] of tensors) {
    if (!name.endsWith('.filter')) continue;
    const conv = name.slice(0, -'.filter'.length);
    const bias = tensors.get(`${conv}.bias`);
    if (!bias) throw new DetectorError(`backbone.safetensors: ${conv} has a filter but no bias`);
    weights.set(conv, { filter: t.data, bias: bias.data });
  }
  return weights;
}

/**
 * An MSFlow detector in the browser (or any runtime without a file system): load a saved
 * detector from bytes onto a backend (e.g. `@msflow/backend-webgpu/browser`) and score pixels.
 * The backbone normalises its input itself; images come in as 8-bit pixels of any size.
 *
 * @example
 * ```ts
 * import { Detector } from '@msflow/detector/browser';
 * import { createWebgpuBackend } from '@msflow/backend-webgpu/browser';
 *
 * const get = async (url: string) => new Uint8Array(await (await fetch(url)).arrayBuffer());
 * const d = await Detector.load({ sidecar: await get('model.json'), weights: await get('model.safetensors'), backbone: await get('backbone.safetensors') }, { backend: await createWebgpuBackend() });
 * const [r] = await d.predict(ctx.getImageData(0, 0, w, h));
 * ```
 */
export class Detector {
  private constructor(
    private readonly backend: Backend,
    private readonly model: MSFlowModel,
    private readonly backbone: Backbone,
    /** The stored image-score thresholds. */
    readonly thresholds: Thresholds,
  ) {}

  /** Loads a saved detector's files onto `backend` (default: the active one), validated (CRC, every shape, the backbone's channels). */
  static async load(files: DetectorFiles, options: { backend?: Backend } = {}): Promise<Detector> {
    const backend = options.backend ?? getBackend();
    const sidecar = parseSidecar(files.sidecar);
    setBackend(backend);
    let model: MSFlowModel;
    try {
      model = restoreModel(deserializeCheckpoint(files.weights, sidecar, { source: 'model.safetensors' }));
    } catch (err) {
      if (err instanceof CheckpointError) throw new DetectorError(err.message.split('\n')[0]);
      throw err;
    }
    const c = model.config;
    const spec = architecture(c.backbone, { padMode: c.backbonePadding });
    const random = (sidecar.cli?.backbone ?? sidecar.backbone?.weights) === 'random';
    if (!random && !files.backbone) {
      model.dispose();
      throw new UsageError(`the detector's backbone (${c.backbone}) needs its weights file (backbone.safetensors)`, { option: 'backbone' });
    }
    let backbone: Backbone;
    try {
      backbone = createBackbone(spec, random ? randomBackboneWeights(spec, new Rng(c.seed)) : decodeBackboneWeights(files.backbone!), { pool: c.pool });
    } catch (err) {
      model.dispose();
      throw new DetectorError(`the backbone weights do not fit ${spec.id}: ${(err as Error).message.split('\n')[0]}`);
    }
    const got = backbone.taps.map((t) => t.channels);
    if (got.join() !== c.channels.join()) {
      backbone.dispose();
      model.dispose();
      throw new DetectorError(`the backbone gives [${got.join(',')}] channels, the detector expects [${c.channels.join(',')}]`);
    }
    return new Detector(backend, model, backbone, sidecar.cli?.thresholds ?? {});
  }

  /** The model's configuration. */
  get config(): MSFlowConfig {
    return this.model.config;
  }

  /** See the Node entry's `Detector.threshold`. */
  threshold(mode: ThresholdMode | number = 'auto'): ChosenThreshold | undefined {
    const t = pickThreshold(this.thresholds, mode);
    if (!t && mode !== 'auto') throw new DetectorError(`the detector: ${missingThreshold(this.thresholds, mode)}`, { option: 'threshold', value: String(mode) });
    return t;
  }

  /** Scores 8-bit images (RGB, RGBA such as `ImageData`, or grey; resized to the model's size). */
  async predict(images: PixelImage | readonly PixelImage[], options: { threshold?: ThresholdMode | number } = {}): Promise<BrowserPrediction[]> {
    const list = Array.isArray(images) ? (images as readonly PixelImage[]) : [images as PixelImage];
    const threshold = this.threshold(options.threshold ?? 'auto');
    const [height, width] = this.config.inputSize;
    setBackend(this.backend);
    const out: BrowserPrediction[] = [];
    for (const [i, image] of list.entries()) {
      const pre = preprocessImage(rawImage(image, `image ${i}`), { height, width });
      const ys = tidy(() => this.backbone.extract(tensor(preprocessPixels(pre.image, this.backbone.preprocess), [1, height, width, 3])));
      let scales;
      try {
        const shapes = this.backbone.outputShapes(height, width);
        scales = await Promise.all(ys.map(async (y, l) => ({ shape: shapes[l], data: Float32Array.from(await y.data()) })));
      } finally {
        dispose(ys);
      }
      const r = await evaluate(this.model, { count: 1, scales }, { maps: true });
      const score = r.nllScores[0];
      assertFiniteScores([score, r.imageScores[0]], () => `image ${i}`, 'the detector');
      out.push({
        score,
        normalized: normalized(score, threshold),
        paperScore: r.imageScores[0],
        label: threshold ? (score >= threshold.value ? 1 : 0) : null,
        map: { width, height, data: r.nllMaps!.slice(0, height * width) },
      });
    }
    return out;
  }

  /** Frees the model and the backbone. */
  dispose(): void {
    setBackend(this.backend);
    this.backbone.dispose();
    this.model.dispose();
  }
}
