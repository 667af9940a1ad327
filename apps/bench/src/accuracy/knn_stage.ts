/**
 * The kNN baseline stage of the accuracy benchmark: fit a memory bank on the features MSFlow
 * trains on, score the test set, and compute the same metrics as MSFlow's evaluation (image
 * AUROC, pixel AUROC and AUPRO on the one kNN map).
 */
import { getBackend, resolveBackend, setBackend, type FeatureSet, type FeatureSource } from '@msflow/core';
import { registerInstalledBackends, type ExtractedSet } from '@msflow/detector';
import { backendDot, evaluateAnomalyDetection, jsDot, KnnBaseline, type DotProducts, type KnnDescription, type TypeMetrics } from '@msflow/eval';
import type { KnnSettings } from './args.js';

/** What one kNN run measured. */
export interface KnnStageResult {
  metrics: Record<string, number>;
  /** Per defect type, each against the normal test images. */
  byType?: TypeMetrics[];
  description: KnnDescription;
  /** Seconds: building the bank (patches + coreset), scoring the test set, computing metrics. */
  timings: { fit: number; score: number; metrics: number };
}

/**
 * The onnx backend for the dot products (onnxruntime's MatMul: ~20x the TypeScript loop on the
 * 2-core machine), or the TypeScript loop where onnxruntime does not start.
 */
function fastDot(): Promise<{ dot: DotProducts; run<T>(f: () => Promise<T>): Promise<T> }> {
  // One onnx backend for the whole process: every class reuses it.
  return (fast ??= startFastDot());
}

let fast: ReturnType<typeof startFastDot> | undefined;

async function startFastDot(): Promise<{ dot: DotProducts; run<T>(f: () => Promise<T>): Promise<T> }> {
  await registerInstalledBackends();
  try {
    const onnx = await resolveBackend(['onnx']);
    return {
      dot: backendDot,
      async run(f) {
        const active = getBackend();
        setBackend(onnx);
        try {
          return await f();
        } finally {
          setBackend(active);
        }
      },
    };
  } catch {
    return { dot: jsDot, run: (f) => f() };
  }
}

/** Rows a `--knn-bank` value keeps out of `patches`: a fraction, or a count. */
export function bankRows(bank: number, patches: number): number {
  return bank <= 1 ? Math.max(1, Math.round(bank * patches)) : Math.min(bank, patches);
}

/**
 * Fits the baseline on `train` and evaluates it on `test`.
 *
 * @example
 * ```ts
 * const r = await runKnnStage(ready.train, ready.test!, ready.config.inputSize, args.knn);
 * r.metrics.imageAuroc;
 * ```
 */
export async function runKnnStage(train: FeatureSet | FeatureSource, test: ExtractedSet, imageSize: readonly [number, number], s: KnnSettings): Promise<KnnStageResult> {
  const { dot, run } = await fastDot();
  return run(async () => {
    let t = performance.now();
    const shapes = 'read' in train ? train.shapes : train.scales.map((x) => x.shape);
    const cells = Math.max(...s.taps.map((tap) => shapes[tap][0] * shapes[tap][1]));
    const size = bankRows(s.bank, train.count * cells);
    const knn = await KnnBaseline.fit(train, { imageSize, taps: s.taps, window: s.window, coreset: { method: s.coreset, size, seed: s.seed }, sigma: s.sigma, imageScore: s.imageScore, dot });
    const fit = (performance.now() - t) / 1000;
    t = performance.now();
    const scores = await knn.score(test.features);
    const score = (performance.now() - t) / 1000;
    t = performance.now();
    const evaluation = evaluateAnomalyDetection({ imageScores: scores.imageScores, labels: test.labels, pixelMaps: test.masks ? scores.maps : undefined, masks: test.masks, shape: scores.shape, msflowPro: false, types: test.types });
    return { metrics: evaluation.metrics, ...(evaluation.byType ? { byType: evaluation.byType } : {}), description: knn.description, timings: { fit, score, metrics: (performance.now() - t) / 1000 } };
  });
}
