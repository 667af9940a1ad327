import { dirname, resolve } from 'node:path';
import type { RunDecision, TypeMetrics } from '@msflow/eval';
import { decisionOn, describePlan, Detector, updateCliInfo, type NormalThreshold, writeEvaluationReport, type CheckpointPaths, type DatasetKind, type DatasetRef, type PlanOptions, type PlanSummary, type ReportFiles, type Thresholds } from '@msflow/detector';
import { UsageError } from '../util/errors.js';
import type { Output } from '../util/output.js';

/** Options of {@link testCheckpoint}. */
export interface TestOptions extends PlanOptions {
  checkpoint: string;
  /** Dataset; absent fields come from the checkpoint's record. */
  data?: string;
  kind?: DatasetKind;
  className?: string;
  testDir?: string;
  masksDir?: string;
  /** Where to write metrics.json, report.html and heatmaps/ (default: `<run>/test`). */
  out?: string;
  /** Store the test set's F1-max threshold (and with `fpr` the new normal threshold) in the checkpoint (default true). */
  saveThreshold?: boolean;
  /**
   * Choose the image threshold again at this false-positive rate, on the normal images the
   * checkpoint's training held out (no test image is read for it).
   */
  fpr?: number;
  heatmaps?: boolean;
  /**
   * Score with these scales' maps (`all`: every scale) instead of the checkpoint's `mapScales`
   * (the parameters do not depend on it). The F1-max threshold is then not stored: it would not
   * fit the checkpoint's own scoring.
   */
  mapScales?: number[] | 'all';
  /** Smooth the maps with this Gaussian σ (pixels) instead of the checkpoint's `mapSigma`; thresholds are then not stored, as with `mapScales`. */
  mapSigma?: number;
}

/** What a test produced. */
export interface TestOutcome {
  className: string;
  checkpoint: CheckpointPaths;
  metrics: Record<string, number>;
  /** The metrics per defect type, each against the normal test images. */
  byType?: TypeMetrics[];
  thresholds: Thresholds;
  /** The stored (or newly chosen) image threshold on this set: FPR on its normals beside the target. */
  decision?: RunDecision;
  files: ReportFiles;
  images: { total: number; anomalous: number };
  backend: { name: string; detail: string };
  plan: PlanSummary;
  featuresVia: string;
  timings: Record<string, number>;
}

/** The test split to score: from the flags, else the one the checkpoint recorded. */
function testRef(o: TestOptions, recorded: DatasetRef | undefined): DatasetRef {
  let ref: DatasetRef;
  if (o.data) ref = { kind: o.kind ?? recorded?.kind ?? 'mvtec', root: resolve(o.data), className: o.className ?? recorded?.className ?? '', testDir: o.testDir, masksDir: o.masksDir };
  else if (recorded) ref = { ...recorded, ...(o.className ? { className: o.className } : {}), ...(o.testDir ? { testDir: resolve(o.testDir) } : {}) };
  else throw new UsageError('--data: required (the checkpoint does not record its dataset)');
  if (!ref.className && ref.kind !== 'folder') throw new UsageError('--class: required with --data');
  return ref;
}

/**
 * `msflow test` as a shell over `Detector.evaluate`: metrics (image AUROC, pixel AUROC, AUPRO,
 * F1-max), the F1-max image threshold (stored in the checkpoint sidecar), and the report files.
 *
 * @example
 * ```ts
 * const r = await testCheckpoint({ checkpoint: 'runs/bottle/latest' }, out);
 * ```
 */
export async function testCheckpoint(o: TestOptions, out: Output): Promise<TestOutcome> {
  const t0 = performance.now();
  // Other map scales or smoothing give other scores: thresholds chosen on them would not fit the checkpoint's own scoring.
  const rescored = o.mapScales !== undefined ? '--map-scales' : o.mapSigma !== undefined ? '--map-sigma' : undefined;
  if (o.fpr !== undefined && rescored) throw new UsageError(`--fpr: not with ${rescored} (the threshold would not fit the checkpoint's own scoring)`);
  const d = await Detector.load(o.checkpoint, o);
  try {
    const ref = testRef(o, d.info.dataset);
    const plan = d.planSummary;
    out.log(`${ref.className}: plan: ${describePlan(plan)}`);
    // With --fpr, the threshold is chosen again first, on the held-out normal images only.
    let normal: NormalThreshold | undefined;
    if (o.fpr !== undefined) {
      let calBar: ReturnType<Output['progress']> | undefined;
      normal = await d.calibrate(o.fpr, { onProgress: (done, total) => (calBar ??= out.progress(`normal images ${ref.className}`, total)).tick(done) });
      calBar?.end();
    }
    let bar: ReturnType<Output['progress']> | undefined;
    const r = await d.evaluate(ref, { onProgress: (done, total) => (bar ??= out.progress(`test ${ref.className}`, total)).tick(done) });
    bar?.end();
    const found: Thresholds = { ...(normal ? { normal } : {}), ...(r.f1 ? { f1: r.f1 } : {}) };
    const thresholds: Thresholds = { ...d.thresholds, ...found };
    if (o.saveThreshold !== false && !rescored && (normal || r.f1)) {
      updateCliInfo(d.checkpoint!, (cli) => ({ ...cli, thresholds: { ...cli.thresholds, ...found }, ...(normal ? { split: { ...cli.split, valSplit: cli.split?.valSplit ?? 0, fpr: o.fpr } } : {}) }));
    }
    // The stored thresholds do not apply to rescored maps.
    const applicable = rescored ? {} : thresholds;
    const decision = decisionOn(applicable, r.output, r.set);
    const timings = { features: r.seconds.features, inference: r.seconds.scoring, metrics: r.seconds.metrics, total: (performance.now() - t0) / 1000 };
    const dir = o.out ? resolve(o.out) : resolve(dirname(d.checkpoint!.weights), 'test');
    const files = writeEvaluationReport(dir, {
      datasetName: ref.kind,
      className: ref.className,
      set: r.set,
      output: r.output,
      evaluation: r.evaluation,
      backend: plan.backend,
      plan,
      timings,
      config: d.config as unknown as Record<string, unknown>,
      heatmaps: o.heatmaps,
      thresholds: applicable,
    });
    return {
      className: ref.className,
      checkpoint: d.checkpoint!,
      metrics: r.metrics,
      ...(r.byType ? { byType: r.byType } : {}),
      thresholds,
      ...(decision ? { decision } : {}),
      files,
      images: { total: r.set.labels.length, anomalous: r.set.labels.reduce((n, l) => n + l, 0) },
      backend: plan.backend,
      plan,
      featuresVia: plan.features.runs,
      timings,
    };
  } finally {
    await d.dispose();
  }
}
