import { basename, join, resolve } from 'node:path';
import { mapColorRange } from '@msflow/core';
import { defectOverlay, heatmapOverlay, maskToRgb, thresholdMap, valueRange, writeRgbPng } from '@msflow/eval';
import { describePlan, Detector, type ChosenThreshold, type PlanOptions, type ThresholdMode } from '@msflow/detector';
import { CliError } from '../util/errors.js';
import type { Output } from '../util/output.js';

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
export interface PredictOptions extends PlanOptions {
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
 * `msflow predict` as a shell over `Detector.predict`: per-image score, normalised score and
 * label from the stored (or given) threshold, and optionally heatmap overlays (the model's one
 * colour scale) and defect masks.
 *
 * @example
 * ```ts
 * const { predictions } = await predictImages({ checkpoint: 'runs/bottle/latest', inputs: ['img.png'] }, out);
 * ```
 */
export async function predictImages(o: PredictOptions, out: Output): Promise<{ predictions: Prediction[]; threshold?: ChosenThreshold }> {
  const d = await Detector.load(o.checkpoint, o);
  try {
    const threshold = d.threshold(o.threshold ?? 'auto');
    const pixel = threshold?.pixel;
    if (o.masksDir && !pixel) throw new CliError(`--masks: ${d.checkpoint!.sidecar} holds no pixel threshold (run msflow test --fpr 0.01 to choose one from its held-out normal images)`);
    out.log(`plan: ${describePlan(d.planSummary)}`);
    const results = await d.predict(o.inputs, { threshold: o.threshold, rgb: o.mapsDir !== undefined });
    // One colour scale for every image of the model (fixed by its normal images); without one,
    // one range over these images.
    const all = new Float32Array(results.reduce((n, r) => n + r.map.data.length, 0));
    if (!pixel) results.reduce((at, r) => (all.set(r.map.data, at), at + r.map.data.length), 0);
    const scale = pixel ? mapColorRange(pixel) : (({ min, max }) => ({ vmin: min, vmax: max }))(valueRange(all));
    const used = new Set<string>();
    const predictions = results.map((r): Prediction => {
      const p: Prediction = { file: r.source, score: r.score, normalized: r.normalized, paperScore: r.paperScore, label: r.label };
      if (!o.mapsDir && !o.masksDir) return p;
      let name = basename(r.source).replace(/\.[^.]+$/, '');
      while (used.has(name)) name += '_';
      used.add(name);
      const { width, height, data: map } = r.map;
      if (o.mapsDir && r.rgb) {
        p.map = join(resolve(o.mapsDir), `${name}.png`);
        const image = { width, height, data: r.rgb };
        writeRgbPng(p.map, pixel ? defectOverlay(image, map, { ...scale, threshold: pixel.threshold }) : heatmapOverlay(image, map, scale));
      }
      if (o.masksDir && pixel) {
        p.mask = join(resolve(o.masksDir), `${name}.png`);
        writeRgbPng(p.mask, maskToRgb(thresholdMap(map, pixel.threshold), width, height));
      }
      return p;
    });
    return { predictions, ...(threshold ? { threshold } : {}) };
  } finally {
    await d.dispose();
  }
}
