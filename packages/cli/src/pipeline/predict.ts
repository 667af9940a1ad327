import { basename, join, resolve } from 'node:path';
import { assertFiniteScores, evaluate, mapColorRange, restoreModel } from '@msflow/core';
import { defectOverlay, heatmapOverlay, thresholdMap, maskToRgb, valueRange, writeRgbPng } from '@msflow/eval';
import { CliError } from '../util/errors.js';
import type { Output } from '../util/output.js';
import { readCheckpoint, imagesDataset, FeatureExtractor, missingThreshold, normalized, pickThreshold, type ChosenThreshold, type ThresholdMode } from '@msflow/detector';

/** One scored image. */
export interface Prediction {
  file: string;
  /** The user-facing score: top-k mean of the negative log-likelihood map (never saturates). */
  score: number;
  /** `score` mapped to (0, 1) with the threshold at 0.5 (NaN without stored normal scores). */
  normalized: number;
  /** The paper's image score (top-k mean of the multiplicative map; saturates at 1). */
  paperScore: number;
  /** 1 = anomalous (score >= threshold); null without a threshold. */
  label: 0 | 1 | null;
  /** Heatmap PNG, with `mapsDir`. */
  map?: string;
  /** Binary defect mask PNG (white = defect pixel), with `masksDir`. */
  mask?: string;
}

/** Options of {@link predictImages}. */
export interface PredictOptions {
  checkpoint: string;
  inputs: readonly string[];
  /** A number, or which stored threshold (default `auto`: the one chosen on normal images). */
  threshold?: ThresholdMode | number;
  /** Write one heatmap overlay PNG per image here (the defect contour drawn when the checkpoint has a pixel threshold). */
  mapsDir?: string;
  /** Write one binary defect mask PNG per image here (needs the checkpoint's pixel threshold). */
  masksDir?: string;
}

/**
 * Scores image files with a checkpoint: per-image score, normalised score and label from the
 * stored (or given) threshold, and optionally heatmap overlays (the model's one colour scale)
 * and defect masks.
 *
 * @example
 * ```ts
 * const { predictions } = await predictImages({ checkpoint: 'runs/bottle/latest', inputs: ['img.png'] }, out);
 * ```
 */
export async function predictImages(o: PredictOptions, out: Output): Promise<{ predictions: Prediction[]; threshold?: ChosenThreshold }> {
  const ckpt = readCheckpoint(o.checkpoint);
  const config = ckpt.sidecar.config;
  const stored = ckpt.sidecar.cli?.thresholds ?? {};
  const threshold = pickThreshold(stored, o.threshold ?? 'auto');
  if (!threshold && o.threshold !== undefined && o.threshold !== 'auto') throw new CliError(`--threshold ${o.threshold}: ${ckpt.paths.sidecar}: ${missingThreshold(stored, o.threshold)}`);
  const pixel = threshold?.pixel;
  if (o.masksDir && !pixel) throw new CliError(`--masks: ${ckpt.paths.sidecar} holds no pixel threshold (run msflow test --fpr 0.01 to choose one from its held-out normal images)`);
  const images = o.mapsDir !== undefined || o.masksDir !== undefined;
  const ds = imagesDataset(o.inputs, { size: config.inputSize, keepRgb: o.mapsDir !== undefined });
  const fx = await FeatureExtractor.open(ckpt.sidecar.cli?.backbone ?? 'default', config);
  let set;
  try {
    const bar = out.progress('features', ds.length);
    set = await fx.extract(ds, { onProgress: (d) => bar.tick(d) });
    bar.end();
  } finally {
    await fx.dispose();
  }
  const model = restoreModel(ckpt);
  let output;
  try {
    output = await evaluate(model, set.features, { maps: images });
  } finally {
    model.dispose();
  }
  // NaN >= threshold is false: a broken model would call every image normal.
  assertFiniteScores(output.imageScores, set.paths, ckpt.paths.weights);
  assertFiniteScores(output.nllScores, set.paths, ckpt.paths.weights);
  const { height, width } = output.shape;
  const px = height * width;
  const maps = output.nllMaps;
  // One colour scale for every image of the model (fixed by its normal images); without one, one
  // range over these images.
  const scale = pixel ? mapColorRange(pixel) : maps ? (({ min, max }) => ({ vmin: min, vmax: max }))(valueRange(maps)) : undefined;
  const used = new Set<string>();
  const predictions = set.paths.map((file, i): Prediction => {
    const score = output.nllScores[i];
    const p: Prediction = { file, score, normalized: normalized(score, threshold), paperScore: output.imageScores[i], label: threshold ? (score >= threshold.value ? 1 : 0) : null };
    if (!maps || !scale) return p;
    let name = basename(file).replace(/\.[^.]+$/, '');
    while (used.has(name)) name += '_';
    used.add(name);
    const map = maps.subarray(i * px, (i + 1) * px);
    if (o.mapsDir && set.rgb) {
      p.map = join(resolve(o.mapsDir), `${name}.png`);
      const image = { width, height, data: set.rgb.subarray(i * px * 3, (i + 1) * px * 3) };
      writeRgbPng(p.map, pixel ? defectOverlay(image, map, { ...scale, threshold: pixel.threshold }) : heatmapOverlay(image, map, scale));
    }
    if (o.masksDir && pixel) {
      p.mask = join(resolve(o.masksDir), `${name}.png`);
      writeRgbPng(p.mask, maskToRgb(thresholdMap(map, pixel.threshold), width, height));
    }
    return p;
  });
  return { predictions, threshold };
}
