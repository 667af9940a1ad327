import { basename, join, resolve } from 'node:path';
import { assertFiniteScores, evaluate, restoreModel } from '@msflow/core';
import { heatmapOverlay, writeRgbPng } from '@msflow/eval';
import { CliError } from '../util/errors.js';
import type { Output } from '../util/output.js';
import { readCheckpoint, imagesDataset, FeatureExtractor, pickThreshold, type ThresholdMode } from '@msflow/detector';

/** One scored image. */
export interface Prediction {
  file: string;
  score: number;
  /** 1 = anomalous (score >= threshold); null without a threshold. */
  label: 0 | 1 | null;
  /** Heatmap PNG, with `mapsDir`. */
  map?: string;
}

/** Options of {@link predictImages}. */
export interface PredictOptions {
  checkpoint: string;
  inputs: readonly string[];
  /** A number, or which stored threshold (default `auto`: F1-max if stored, else the quantile). */
  threshold?: ThresholdMode | number;
  /** Write one heatmap overlay PNG per image here. */
  mapsDir?: string;
}

/**
 * Scores image files with a checkpoint: per-image score, a label from the stored (or given)
 * threshold, and optionally heatmap overlays.
 *
 * @example
 * ```ts
 * const { predictions } = await predictImages({ checkpoint: 'runs/bottle/latest', inputs: ['img.png'] }, out);
 * ```
 */
export async function predictImages(o: PredictOptions, out: Output): Promise<{ predictions: Prediction[]; threshold?: { value: number; from: string } }> {
  const ckpt = readCheckpoint(o.checkpoint);
  const config = ckpt.sidecar.config;
  const threshold = pickThreshold(ckpt.sidecar.cli?.thresholds ?? {}, o.threshold ?? 'auto');
  if (!threshold && o.threshold !== undefined && o.threshold !== 'auto') {
    throw new CliError(`--threshold ${o.threshold}: ${ckpt.paths.sidecar} holds no such threshold (run msflow test on a labelled set, or pass a number)`);
  }
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
    output = await evaluate(model, set.features, { maps: o.mapsDir !== undefined });
  } finally {
    model.dispose();
  }
  // NaN >= threshold is false: a broken model would call every image normal.
  assertFiniteScores(output.imageScores, set.paths, ckpt.paths.weights);
  const { height, width } = output.shape;
  const px = height * width;
  const used = new Set<string>();
  const predictions = set.paths.map((file, i): Prediction => {
    const score = output.imageScores[i];
    const p: Prediction = { file, score, label: threshold ? (score >= threshold.value ? 1 : 0) : null };
    if (o.mapsDir && output.addMaps && set.rgb) {
      let name = basename(file).replace(/\.[^.]+$/, '');
      while (used.has(name)) name += '_';
      used.add(name);
      p.map = join(resolve(o.mapsDir), `${name}.png`);
      const image = { width, height, data: set.rgb.subarray(i * px * 3, (i + 1) * px * 3) };
      writeRgbPng(p.map, heatmapOverlay(image, output.addMaps.subarray(i * px, (i + 1) * px)));
    }
    return p;
  });
  return { predictions, threshold };
}
