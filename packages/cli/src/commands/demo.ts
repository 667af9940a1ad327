import { relative } from 'node:path';
import { SCENE_FAMILIES } from '@msflow/data';
import { ExecutionPlan } from '@msflow/detector';
import { choiceFlag, CliError, intFlag } from '../util/errors.js';
import { INTERRUPTED_EXIT, withInterrupt } from '../util/interrupt.js';
import { table, type Output } from '../util/output.js';
import { DEMO_DEFAULTS, runDemo } from '../pipeline/demo.js';
import { pct } from '../pipeline/progress.js';
import { decisionLine } from './test.js';

/** Flags of `msflow demo`. */
export interface DemoFlags {
  out?: string;
  seed?: string;
  family?: string;
  size?: string;
  train?: string;
  testGood?: string;
  testAnomalous?: string;
  epochs?: string;
  subEpochs?: string;
  batchSize?: string;
  backend?: string;
}

/** `msflow demo`: synthetic class → features → train (CPU preset) → test → report. */
export async function demoCommand(out: Output, flags: DemoFlags): Promise<void> {
  const d = DEMO_DEFAULTS;
  const size = intFlag(flags.size, '--size', 64) ?? d.size;
  if (size % 32 !== 0) throw new CliError(`--size: expected a multiple of 32, got '${flags.size}'`, 2);
  const options = {
    out: flags.out ?? 'demo',
    backend: flags.backend ?? 'auto',
    seed: intFlag(flags.seed, '--seed', 0) ?? d.seed,
    family: choiceFlag(flags.family, '--family', SCENE_FAMILIES) ?? d.family,
    size,
    trainCount: intFlag(flags.train, '--train', 2) ?? d.trainCount,
    testGood: intFlag(flags.testGood, '--test-good', 1) ?? d.testGood,
    testAnomalous: intFlag(flags.testAnomalous, '--test-anomalous', 1) ?? d.testAnomalous,
    epochs: intFlag(flags.epochs, '--epochs', 1) ?? d.epochs,
    subEpochs: intFlag(flags.subEpochs, '--sub-epochs', 1) ?? d.subEpochs,
    batchSize: intFlag(flags.batchSize, '--batch-size', 1) ?? d.batchSize,
  };
  const plan = await ExecutionPlan.resolve({ backend: options.backend });
  out.log(`demo: plan: ${plan.describe()}`);
  const r = await withInterrupt(out, (signal) => runDemo(options, out, signal, plan));
  const rel = (p: string) => relative(process.cwd(), p) || p;
  if (r.status === 'cancelled') throw new CliError(`interrupted: resumable checkpoint saved to ${rel(r.checkpoint.weights)}; continue with: msflow train --resume ${rel(r.checkpoint.weights)}`, INTERRUPTED_EXIT);
  const m = r.final ?? {};
  const best = r.metrics.best;
  const row = (name: string, key: string): string[] => [name, pct(m[key]), best[key] ? `${pct(best[key].value)} (epoch ${best[key].metaEpoch + 1})` : '-'];
  const human = [
    '',
    `MSFlow demo: ${r.className}, ${r.images.train} training / ${r.images.test} test images, cpu preset, seed ${options.seed}`,
    table(['metric (x100)', 'last epoch', 'best epoch'], [row('image AUROC', 'imageAuroc'), row('image AUROC (user score)', 'imageAurocNll'), row('pixel AUROC', 'pixelAuroc'), row('AUPRO (FPR <= 0.3)', 'aupro')]),
    decisionLine(r.decision),
    `features ${r.timings.features.toFixed(1)} s on ${r.featuresVia}; training ${r.timings.train.toFixed(1)} s + evaluation ${r.timings.evaluate.toFixed(1)} s (trainer ${r.trainer}; backend ${r.backend.detail}); total ${r.seconds.toFixed(1)} s`,
    `checkpoint: ${rel(r.checkpoint.weights)}`,
    `report:     ${r.report ? rel(r.report.report) : '-'}`,
    `next: msflow predict ${rel(r.checkpoint.weights)} ${rel(r.dataDir)}/test/good`,
  ].join('\n');
  out.result(r, human);
}
