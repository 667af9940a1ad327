import { assertFiniteScores, CONFIG_LIMITS, isMapSigma, restoreModel, type EvaluationOutput, type MSFlowConfig, type MSFlowModel } from '@msflow/core';
import type { Evaluation, RunDecision, TypeMetrics } from '@msflow/eval';
import type { ExtractedSet, FeatureExtractor, ImageSource } from './backbone/extractor.js';
import { imagesDataset, openSplit, type DatasetRef } from './data/dataset.js';
import { pixelImages, type ImageInput, type PixelImage } from './data/images.js';
import { DetectorError, UsageError } from './errors.js';
import { readCheckpoint, type CheckpointPaths, type CliSidecarInfo } from './model/checkpoint.js';
import { exportDetector, type ExportOptions, type ExportResult } from './model/export.js';
import { saveParts } from './model/save.js';
import { recalibrate } from './model/calibrate.js';
import { f1Threshold, missingThreshold, normalized, pickThreshold, type ChosenThreshold, type NormalThreshold, type ThresholdMode, type Thresholds } from './model/thresholds.js';
import { onBackend } from './plan/backends.js';
import { ExecutionPlan, type PlanOptions, type PlanSummary, type Scoring } from './plan/plan.js';
import { decisionOn, scoreEvaluation } from './report/report.js';
import { extractSets, openBackbone } from './run/features.js';
import { fitParts, type DetectorParts, type FitResult } from './run/fit.js';
import { resolveFitRequest, type FitOptions } from './run/fit_options.js';

/** One scored image. */
export interface Prediction {
  /** The file, or `image <i>` for pixels. */
  source: string;
  /** The user-facing score: top-k mean of the negative log-likelihood map (never saturates); higher is more anomalous. */
  score: number;
  /** `score` mapped to (0, 1) with the threshold at 0.5 (NaN without stored normal scores). */
  normalized: number;
  /** The paper's image score (top-k mean of the multiplicative map; saturates at 1). */
  paperScore: number;
  /** 1 = anomalous (score >= threshold), 0 = normal; null when the detector has no threshold. */
  label: 0 | 1 | null;
  /** Per-pixel anomaly (the negative log-likelihood map, one scale for every image) at the model's input size. */
  map: { width: number; height: number; data: Float32Array };
  /** The image as the model saw it (8-bit RGB, input size), with `rgb: true`. */
  rgb?: Uint8Array;
}

/** Options of {@link Detector.predict}. */
export interface PredictOptions {
  /** A number, or which stored threshold (default `auto`: the one chosen on normal images at a false-positive rate). */
  threshold?: ThresholdMode | number;
  /** Also return each image's resized 8-bit RGB (for overlays). */
  rgb?: boolean;
  /** Stops scoring between batches (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** Options of {@link Detector.load}. */
export interface LoadOptions extends PlanOptions {
  /** Score with these scales' maps (`all`: every scale) instead of the checkpoint's own (0 = finest). */
  mapScales?: readonly number[] | 'all';
  /** Smooth the maps with this Gaussian σ in input pixels (0: none) instead of the checkpoint's `mapSigma`. */
  mapSigma?: number;
}

/** What {@link Detector.evaluate} measured. */
export interface DetectorEvaluation {
  /** Image AUROC, pixel AUROC (with masks), AUPRO, F1-max, as fractions. */
  metrics: Record<string, number>;
  /** The metrics per defect type, each against the normal images. */
  byType?: TypeMetrics[];
  /** The F1-max image threshold on this set (when it has both labels), on the user-facing score. */
  f1?: Thresholds['f1'];
  /** The stored threshold on this set: its false-positive rate on the normals beside the target, its recall. */
  decision?: RunDecision;
  /** Scores and maps, the metrics' details (curves) and the images, for reports. */
  output: EvaluationOutput;
  evaluation: Evaluation;
  set: ExtractedSet;
  seconds: { features: number; scoring: number; metrics: number };
}

/**
 * An MSFlow anomaly detector: fit it on normal images, then score new ones. Preprocessing
 * belongs to the backbone (images go in as files or 8-bit pixels), and where the work runs is
 * one decision, the {@link ExecutionPlan} (`plan`).
 *
 * @example
 * ```ts
 * import { Detector } from '@msflow/detector';
 *
 * const d = await Detector.fit({ train: 'data/synth_woven/train/good', seed: 0 });
 * const [r] = await d.predict(['data/synth_woven/test/crack/000.png']);
 * console.log(r.score, r.label);
 * await d.save('model');
 * const again = await Detector.load('model');
 * ```
 */
export class Detector {
  private extractor?: Promise<FeatureExtractor>;
  private scorer?: Scoring;

  /** @internal Use {@link Detector.fit} or {@link Detector.load}. */
  constructor(
    private readonly parts: DetectorParts,
    /** The checkpoint it was loaded from, if any. */
    readonly checkpoint?: CheckpointPaths,
  ) {}

  /**
   * Trains a detector on a folder of normal images (or a dataset), with its test split evaluated
   * after every meta-epoch when there is one. Aborting `signal` stops at the next step; the
   * detector then holds the partial run (save it and `fit({ resume })` to continue).
   */
  static async fit(options: FitOptions): Promise<Detector> {
    return (await Detector.fitWithReport(options)).detector;
  }

  /** {@link fit}, also returning everything the run measured (metrics, timings, the final test evaluation). */
  static async fitWithReport(options: FitOptions): Promise<FitResult & { detector: Detector }> {
    const { request, cleanup } = await resolveFitRequest(options);
    try {
      const result = await fitParts(request, options);
      return { ...result, detector: new Detector(result.parts) };
    } finally {
      cleanup();
    }
  }

  /**
   * Loads a detector saved by {@link save} (or `msflow train`): a folder, or its
   * `model.safetensors` / `model.json`. The checkpoint is validated (CRC, every shape).
   */
  static async load(path: string, options: LoadOptions = {}): Promise<Detector> {
    const checked = await ExecutionPlan.check(options);
    const ckpt = readCheckpoint(path);
    const config = ckpt.sidecar.config;
    if (options.mapScales === 'all') delete config.mapScales;
    else if (options.mapScales) {
      const n = config.channels.length;
      const bad = options.mapScales.find((l) => !(Number.isInteger(l) && l >= 0 && l < n));
      if (bad !== undefined) throw new UsageError(`${ckpt.paths.sidecar} has ${n} scales (0-${n - 1}), got ${bad}`, { option: 'mapScales' });
      config.mapScales = [...options.mapScales];
    }
    if (options.mapSigma !== undefined) {
      const sigma = options.mapSigma;
      if (!isMapSigma(sigma)) throw new UsageError(`expected a Gaussian σ in pixels in [0, ${CONFIG_LIMITS.mapSigma}], got ${sigma}`, { option: 'mapSigma' });
      config.mapSigma = sigma;
    }
    const plan = await checked.start();
    const model = onBackend(plan.backend, () => restoreModel(ckpt));
    const info: CliSidecarInfo = ckpt.sidecar.cli ?? { backbone: ckpt.sidecar.backbone.weights ?? 'default', thresholds: {} };
    return new Detector({ plan, model, preset: ckpt.sidecar.preset, info }, ckpt.paths);
  }

  /** Where the backbone, training and scoring run. */
  get plan(): ExecutionPlan {
    return this.parts.plan;
  }

  /** The execution plan as JSON (also stored in reports). */
  get planSummary(): PlanSummary {
    return this.parts.plan.summary;
  }

  /** The model's configuration (input size, backbone, flows, training schedule). */
  get config(): MSFlowConfig {
    return this.parts.model.config;
  }

  /** The flows. */
  get model(): MSFlowModel {
    return this.parts.model;
  }

  /** The stored image-score thresholds. */
  get thresholds(): Thresholds {
    return this.parts.info.thresholds;
  }

  /** The backbone the features come from (`default`, `random` or a file) and the recorded dataset. */
  get info(): Readonly<CliSidecarInfo> {
    return this.parts.info;
  }

  /**
   * The threshold `predict` applies to the user-facing score, with its normalisation, pixel
   * threshold and colour scale: a number, the one chosen on normal images (`auto`, `fpr`), or the
   * stored F1-max one (`f1`). Undefined when none is stored.
   */
  threshold(mode: ThresholdMode | number = 'auto'): ChosenThreshold | undefined {
    const stored = this.parts.info.thresholds;
    const t = pickThreshold(stored, mode);
    if (!t && mode !== 'auto') throw new DetectorError(`${this.checkpoint?.sidecar ?? 'the detector'}: ${missingThreshold(stored, mode)}`, { option: 'threshold', value: String(mode) });
    return t;
  }

  /**
   * Chooses the image threshold again at false-positive rate `fpr` on the normal images the
   * training held out (the recorded dataset and split, drawn again from the seed; the training
   * images when it held none out). Reads no test image and no label. The new threshold becomes
   * the detector's (saved by {@link save}).
   */
  async calibrate(fpr: number, options: { onProgress?: (done: number, total: number) => void } = {}): Promise<NormalThreshold> {
    const normal = await recalibrate(this.parts.info, this.config, this.checkpoint?.sidecar ?? 'the detector', fpr, {
      extract: async (images) => (await this.features([images], options.onProgress))[0],
      score: (features) => this.scoring().evaluate(features),
    });
    this.parts.info.thresholds.normal = normal;
    this.parts.info.split = { ...this.parts.info.split, valSplit: this.parts.info.split?.valSplit ?? 0, fpr };
    return normal;
  }

  /**
   * Scores images: files or folders of images (Node), or 8-bit pixels (RGB, RGBA or grey, any
   * size: resized to the model's). One {@link Prediction} per image, in order.
   */
  async predict(images: ImageInput | readonly ImageInput[], options: PredictOptions = {}): Promise<Prediction[]> {
    const list = Array.isArray(images) ? (images as readonly ImageInput[]) : [images as ImageInput];
    const threshold = this.threshold(options.threshold ?? 'auto');
    const [set] = await this.features([this.images(list, options.rgb === true)]);
    const output = await this.scoring().evaluate(set.features, { maps: true, signal: options.signal });
    // NaN >= threshold is false: a broken model would call every image normal.
    assertFiniteScores(output.imageScores, set.paths, this.weightsName);
    assertFiniteScores(output.nllScores, set.paths, this.weightsName);
    const { height, width } = output.shape;
    const px = height * width;
    return set.paths.map((file, i) => {
      const score = output.nllScores[i];
      return {
        source: file,
        score,
        normalized: normalized(score, threshold),
        paperScore: output.imageScores[i],
        label: threshold ? (score >= threshold.value ? 1 : 0) : null,
        map: { width, height, data: output.nllMaps!.slice(i * px, (i + 1) * px) },
        ...(options.rgb && set.rgb ? { rgb: set.rgb.slice(i * px * 3, (i + 1) * px * 3) } : {}),
      };
    });
  }

  /**
   * Scores a labelled test set: a folder holding `good/` and one folder per defect type (with
   * `masks`, one mask folder per defect type), a dataset reference, or an opened dataset. With
   * `storeThreshold`, the set's F1-max threshold becomes the detector's (saved by {@link save}).
   */
  async evaluate(
    test: string | DatasetRef | ImageSource,
    options: { masks?: string; storeThreshold?: boolean; onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
  ): Promise<DetectorEvaluation> {
    const size = this.config.inputSize;
    const source =
      typeof test === 'string' ? openSplit({ kind: 'folder', root: test, className: '', testDir: test, masksDir: options.masks }, 'test', { size, keepRgb: true }) : 'kind' in test ? openSplit(test, 'test', { size, keepRgb: true }) : test;
    let t = performance.now();
    const [set] = await this.features([source], options.onProgress);
    const features = (performance.now() - t) / 1000;
    t = performance.now();
    const output = await this.scoring().evaluate(set.features, { signal: options.signal });
    assertFiniteScores(output.imageScores, set.paths, this.weightsName);
    assertFiniteScores(output.nllScores, set.paths, this.weightsName);
    const scoring = (performance.now() - t) / 1000;
    t = performance.now();
    const evaluation = scoreEvaluation(output, set, true);
    const f1 = f1Threshold(output.nllScores, set.labels, 'test');
    if (f1 && options.storeThreshold) this.parts.info.thresholds.f1 = f1;
    const decision = decisionOn(this.parts.info.thresholds, output, set);
    return {
      metrics: evaluation.metrics,
      ...(evaluation.byType ? { byType: evaluation.byType } : {}),
      ...(f1 ? { f1 } : {}),
      ...(decision ? { decision } : {}),
      output,
      evaluation,
      set,
      seconds: { features, scoring, metrics: (performance.now() - t) / 1000 },
    };
  }

  /** Writes `model.safetensors` and `model.json` into `dir` (atomically); with a training run, resumable. */
  save(dir: string): Promise<CheckpointPaths> {
    return saveParts(this.parts, dir);
  }

  /**
   * Writes the detector as one ONNX model (uint8 RGB images in; score, label and map out, the
   * preprocessing inside) and, with `triton`, a Triton Inference Server model repository.
   */
  export(file: string, options: ExportOptions = {}): Promise<ExportResult> {
    return exportDetector(this.parts, file, options);
  }

  /** Frees the backbone, the compiled programs and the model. */
  async dispose(): Promise<void> {
    const fx = await this.extractor?.catch(() => undefined);
    this.extractor = undefined;
    await Promise.all([fx?.dispose(), this.scorer?.dispose(), this.parts.trainer?.dispose()]);
    this.scorer = undefined;
    onBackend(this.parts.plan.backend, () => this.parts.model.dispose());
  }

  /** The checkpoint's weights file (or `the detector`), for messages. */
  private get weightsName(): string {
    return this.checkpoint?.weights ?? 'the detector';
  }

  private images(list: readonly ImageInput[], keepRgb: boolean): ImageSource {
    const size = { height: this.config.inputSize[0], width: this.config.inputSize[1] };
    if (list.length === 0) throw new UsageError('no images given', { option: 'images' });
    if (list.every((x) => typeof x === 'string')) return imagesDataset(list as string[], { size: this.config.inputSize, keepRgb });
    if (list.some((x) => typeof x === 'string')) throw new UsageError('give either file paths or pixel images, not both', { option: 'images' });
    return pixelImages(list as PixelImage[], size, { keepRgb });
  }

  /** Runs images through the backbone, opened (and checked against the model) once per detector. */
  private async features(sources: readonly ImageSource[], onProgress?: (done: number, total: number) => void): Promise<ExtractedSet[]> {
    this.extractor ??= openBackbone(this.parts.plan, this.parts.info.backbone, this.config, this.checkpoint?.sidecar ?? 'the detector').then((r) => r.extractor);
    return extractSets(await this.extractor, sources.map((source) => ({ source })), onProgress);
  }

  private scoring(): Scoring {
    this.scorer ??= this.parts.plan.scoring(this.parts.model);
    return this.scorer;
  }
}
