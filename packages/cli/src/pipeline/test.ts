import { dirname, resolve } from 'node:path';
import { assertFiniteScores, evaluate, getBackend, restoreModel } from '@msflow/core';
import type { TypeMetrics } from '@msflow/eval';
import { UsageError } from '../util/errors.js';
import type { Output } from '../util/output.js';
import type { RunDecision } from '@msflow/eval';
import { readCheckpoint, updateCliInfo, type CheckpointPaths, openSplit, type DatasetKind, type DatasetRef, FeatureExtractor, f1Threshold, recalibrate, type NormalThreshold, type Thresholds } from '@msflow/detector';
import { decisionOn, scoreEvaluation, writeEvaluationReport, type ReportFiles } from './report.js';

/** Options of {@link testCheckpoint}. */
export interface TestOptions {
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
  featuresVia: string;
  timings: Record<string, number>;
}

/**
 * Scores a checkpoint on a test split on the active backend: metrics (image AUROC, pixel AUROC,
 * AUPRO, F1-max), the stored image threshold's false-positive rate on the test normals, the
 * F1-max image threshold (stored in the checkpoint sidecar, used only when asked for), and the
 * report files. With `fpr`, first chooses the image threshold again on the held-out normal images.
 *
 * @example
 * ```ts
 * await useBackend('auto');
 * const r = await testCheckpoint({ checkpoint: 'runs/bottle/latest' }, out);
 * ```
 */
export async function testCheckpoint(o: TestOptions, out: Output): Promise<TestOutcome> {
  const t0 = performance.now();
  const ckpt = readCheckpoint(o.checkpoint);
  const recorded = ckpt.sidecar.cli?.dataset;
  let ref: DatasetRef;
  if (o.data) ref = { kind: o.kind ?? recorded?.kind ?? 'mvtec', root: resolve(o.data), className: o.className ?? recorded?.className ?? '', testDir: o.testDir, masksDir: o.masksDir };
  else if (recorded) ref = { ...recorded, ...(o.className ? { className: o.className } : {}), ...(o.testDir ? { testDir: resolve(o.testDir) } : {}) };
  else throw new UsageError('--data: required (the checkpoint does not record its dataset)');
  if (!ref.className && ref.kind !== 'folder') throw new UsageError('--class: required with --data');
  const config = ckpt.sidecar.config;
  if (o.fpr !== undefined && o.mapScales) throw new UsageError("--fpr: not with --map-scales (the threshold would not fit the checkpoint's own scoring)");
  if (o.mapScales === 'all') delete config.mapScales;
  else if (o.mapScales) {
    const n = config.channels.length;
    const bad = o.mapScales.find((l) => l >= n);
    if (bad !== undefined) throw new UsageError(`--map-scales: ${ckpt.paths.sidecar} has ${n} scales (0-${n - 1}), got ${bad}`);
    config.mapScales = o.mapScales;
  }
  const ds = openSplit(ref, 'test', { size: config.inputSize, keepRgb: true });
  const timings: Record<string, number> = {};
  let t = performance.now();
  const fx = await FeatureExtractor.open(ckpt.sidecar.cli?.backbone ?? 'default', config);
  let set;
  let normal: NormalThreshold | undefined;
  try {
    const spec = fx.backbone.spec;
    if (spec.id !== config.backbone || spec.padMode !== config.backbonePadding) {
      throw new UsageError(`--backbone: ${ckpt.paths.sidecar} was trained on ${config.backbone}/${config.backbonePadding} features, the backbone gives ${spec.id}/${spec.padMode}`);
    }
    const bar = out.progress(`features ${ref.className}`, ds.length);
    set = await fx.extract(ds, { onProgress: (d) => bar.tick(d) });
    bar.end();
    if (o.fpr !== undefined) {
      const m = restoreModel(ckpt);
      try {
        normal = await recalibrate(ckpt, m, fx, o.fpr);
      } finally {
        m.dispose();
      }
    }
  } finally {
    await fx.dispose();
  }
  timings.features = (performance.now() - t) / 1000;
  t = performance.now();
  const model = restoreModel(ckpt);
  let output;
  try {
    const bar = out.progress(`test ${ref.className}`, ds.length);
    output = await evaluate(model, set.features, { onProgress: (d) => bar.tick(d) });
    bar.end();
  } finally {
    model.dispose();
  }
  timings.inference = (performance.now() - t) / 1000;
  assertFiniteScores(output.imageScores, set.paths, ckpt.paths.weights);
  assertFiniteScores(output.nllScores, set.paths, ckpt.paths.weights);
  t = performance.now();
  const evaluation = scoreEvaluation(output, set, true);
  timings.metrics = (performance.now() - t) / 1000;
  const f1 = f1Threshold(output.nllScores, set.labels, 'test');
  const found: Thresholds = { ...(normal ? { normal } : {}), ...(f1 ? { f1 } : {}) };
  const thresholds: Thresholds = { ...(ckpt.sidecar.cli?.thresholds ?? {}), ...found };
  if (o.saveThreshold !== false && !o.mapScales && (normal || f1)) {
    updateCliInfo(ckpt.paths, (cli) => ({ ...cli, thresholds: { ...cli.thresholds, ...found }, ...(normal ? { split: { ...cli.split, valSplit: cli.split?.valSplit ?? 0, fpr: o.fpr } } : {}) }));
  }
  // Other map scales give other scores: the stored thresholds do not apply to them.
  const applicable = o.mapScales ? {} : thresholds;
  const decision = decisionOn(applicable, output, set);
  const info = getBackend().info();
  const backend = { name: info.name, detail: info.detail.split(';')[0] };
  timings.total = (performance.now() - t0) / 1000;
  const dir = o.out ? resolve(o.out) : resolve(dirname(ckpt.paths.weights), 'test');
  const files = writeEvaluationReport(dir, {
    datasetName: ref.kind,
    className: ref.className,
    set,
    output,
    evaluation,
    backend: { name: backend.name, detail: backend.detail },
    timings,
    config: config as unknown as Record<string, unknown>,
    heatmaps: o.heatmaps,
    thresholds: applicable,
  });
  return {
    className: ref.className,
    checkpoint: ckpt.paths,
    metrics: evaluation.metrics,
    ...(evaluation.byType ? { byType: evaluation.byType } : {}),
    thresholds,
    ...(decision ? { decision } : {}),
    files,
    images: { total: set.labels.length, anomalous: set.labels.reduce((n, l) => n + l, 0) },
    backend: { name: backend.name, detail: backend.detail },
    featuresVia: fx.via,
    timings,
  };
}
