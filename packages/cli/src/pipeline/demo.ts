import { join, resolve } from 'node:path';
import type { Output } from '../util/output.js';
import { resolveTrainSettings } from './settings.js';
import { writeSyntheticDataset, type ExecutionPlan } from '@msflow/detector';
import { trainClass, type TrainOutcome } from './train.js';
import type { SceneFamily } from '@msflow/data';

/** Settings of `msflow demo`; the defaults finish in about 2-3 minutes on 2 CPU cores. */
export interface DemoOptions {
  /** Output folder: `<out>/data` (the generated class) and `<out>/runs` (default `demo`). */
  out: string;
  seed: number;
  family: SceneFamily;
  size: number;
  trainCount: number;
  testGood: number;
  testAnomalous: number;
  epochs: number;
  subEpochs: number;
  batchSize: number;
  backend: string;
}

/** Defaults of the demo (measured: see the README). */
export const DEMO_DEFAULTS: Omit<DemoOptions, 'out' | 'backend'> = {
  seed: 0,
  family: 'woven',
  size: 128,
  trainCount: 32,
  testGood: 12,
  testAnomalous: 24,
  epochs: 2,
  subEpochs: 2,
  batchSize: 8,
};

/**
 * The built-in demo: generates a synthetic class (seeded), extracts frozen features once,
 * trains the CPU preset on the active backend with a test evaluation per meta-epoch, and writes
 * the checkpoint, thresholds, metrics and the HTML report.
 *
 * @example
 * ```ts
 * const r = await runDemo({ ...DEMO_DEFAULTS, out: 'demo', backend: 'auto' }, out);
 * console.log(r.report?.report);
 * ```
 */
export async function runDemo(o: DemoOptions, out: Output, signal?: AbortSignal, plan?: ExecutionPlan): Promise<TrainOutcome & { dataDir: string; seconds: number }> {
  const t0 = performance.now();
  const root = resolve(o.out);
  const dataDir = join(root, 'data');
  const data = writeSyntheticDataset(dataDir, {
    family: o.family,
    size: o.size,
    seed: o.seed,
    trainCount: o.trainCount,
    testGoodCount: o.testGood,
    testAnomalyCount: o.testAnomalous,
    overwrite: true,
  });
  out.log(`demo: wrote ${o.trainCount} training and ${o.testGood + o.testAnomalous} test images (${o.testAnomalous} anomalous) of ${data.className} to ${data.classDir}`);
  const settings = resolveTrainSettings({
    data: dataDir,
    kind: 'mvtec',
    class: data.className,
    preset: 'cpu',
    size: o.size,
    seed: o.seed,
    epochs: o.epochs,
    subEpochs: o.subEpochs,
    batchSize: o.batchSize,
    backend: o.backend,
    out: join(root, 'runs'),
  });
  const outcome = await trainClass(settings, data.className, { out, signal, plan });
  return { ...outcome, dataDir: data.classDir, seconds: (performance.now() - t0) / 1000 };
}
