import { basename, join, resolve } from 'node:path';
import { heatmapOverlay, writeRgbPng } from '@msflow/eval';
import { describePlan, Detector, type PlanOptions, type ThresholdMode } from '@msflow/detector';
import type { Output } from '../util/output.js';

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
export interface PredictOptions extends PlanOptions {
  checkpoint: string;
  inputs: readonly string[];
  /** A number, or which stored threshold (default `auto`: F1-max if stored, else the quantile). */
  threshold?: ThresholdMode | number;
  /** Write one heatmap overlay PNG per image here. */
  mapsDir?: string;
}

/**
 * `msflow predict` as a shell over `Detector.predict`: per-image score, a label from the stored
 * (or given) threshold, and optionally heatmap overlays.
 *
 * @example
 * ```ts
 * const { predictions } = await predictImages({ checkpoint: 'runs/bottle/latest', inputs: ['img.png'] }, out);
 * ```
 */
export async function predictImages(o: PredictOptions, out: Output): Promise<{ predictions: Prediction[]; threshold?: { value: number; from: string } }> {
  const d = await Detector.load(o.checkpoint, o);
  try {
    const threshold = d.threshold(o.threshold ?? 'auto');
    const plan = d.planSummary;
    out.log(`plan: ${describePlan(plan)}`);
    const results = await d.predict(o.inputs, { threshold: o.threshold, rgb: o.mapsDir !== undefined });
    const used = new Set<string>();
    const predictions = results.map((r): Prediction => {
      const p: Prediction = { file: r.source, score: r.score, label: r.label };
      if (o.mapsDir && r.rgb) {
        let name = basename(r.source).replace(/\.[^.]+$/, '');
        while (used.has(name)) name += '_';
        used.add(name);
        p.map = join(resolve(o.mapsDir), `${name}.png`);
        writeRgbPng(p.map, heatmapOverlay({ width: r.map.width, height: r.map.height, data: r.rgb }, r.map.data));
      }
      return p;
    });
    return { predictions, ...(threshold ? { threshold } : {}) };
  } finally {
    await d.dispose();
  }
}
