/**
 * Runs the accuracy benchmark: for each class, MSFlow through `msflow train`'s own pipeline
 * (`trainClass`: features once, training, per-meta-epoch test evaluation), and the kNN baseline
 * on the very features that pipeline computed (its `onFeatures` hook), so both methods see the
 * same backbone outputs and the table shows the gap to a simple baseline.
 */
import { hostname } from 'node:os';
import { createOutput, trainClass, type Output, type TrainContext, type TrainOutcome } from '@msflow/cli';
import { ExecutionPlan, listClasses, openSplit } from '@msflow/detector';

type FeaturesReady = Parameters<NonNullable<TrainContext['onFeatures']>>[0];
import { describeMachine } from '../machine.js';
import { packageVersions } from '../versions.js';
import type { AccuracyArgs } from './args.js';
import { runKnnStage } from './knn_stage.js';
import { ACCURACY_METRICS, type AccuracyReport, type MethodResult, type MetricValues } from './report.js';

/** Thrown from the features hook when MSFlow is not asked for: stops `trainClass` before it builds a model. */
class FeaturesOnly extends Error {}

const pick = (m: Record<string, number> | undefined): MetricValues => Object.fromEntries(ACCURACY_METRICS.filter((k) => m && Number.isFinite(m[k])).map((k) => [k, m![k]]));

function msflowResult(o: TrainOutcome, metaEpochs: number): MethodResult {
  const best = Object.fromEntries(ACCURACY_METRICS.filter((k) => o.metrics.best[k]).map((k) => [k, o.metrics.best[k]]));
  return {
    className: o.className,
    method: 'msflow',
    status: o.status,
    last: pick(o.final),
    ...(o.finalByType ? { byType: o.finalByType } : {}),
    best,
    metaEpochs,
    epochs: o.metrics.history.map((h) => ({ metaEpoch: h.metaEpoch, lossPerDim: h.lossPerDim, ...(Number.isFinite(h.metrics.valLossPerDim) ? { valLossPerDim: h.metrics.valLossPerDim } : {}), metrics: pick(h.metrics) })),
    // Shifted training images (--translate) are backbone time too.
    timings: { features: (o.timings.features ?? 0) + (o.timings.translate ?? 0), train: o.timings.train ?? 0, test: o.timings.evaluate ?? 0 },
    compute: `${o.trainer}; backbone on ${o.featuresVia}`,
    images: { train: o.images.train, test: o.images.test },
    runDir: o.runDir,
  };
}

async function knnResult(ready: FeaturesReady, args: AccuracyArgs, log: (line: string) => void): Promise<MethodResult> {
  const base = { className: ready.className, method: 'knn' as const, timings: { features: ready.seconds, train: 0, test: 0 }, compute: 'kNN' };
  if (!ready.test) return { ...base, status: 'failed', error: 'no test split', last: {} };
  const r = await runKnnStage(ready.train, ready.test, ready.config.inputSize, args.knn);
  const d = r.description;
  log(`${ready.className}: kNN bank ${d.bank} of ${d.patches} patches (${d.coreset}) in ${r.timings.fit.toFixed(1)} s, scored ${ready.test.labels.length} test images in ${r.timings.score.toFixed(1)} s: image AUROC ${(100 * r.metrics.imageAuroc).toFixed(1)}`);
  return {
    ...base,
    status: 'completed',
    last: pick(r.metrics),
    ...(r.byType ? { byType: r.byType } : {}),
    timings: { features: ready.seconds, train: r.timings.fit, test: r.timings.score + r.timings.metrics },
    compute: `kNN, ${d.dot}`,
    images: { train: ready.train.count, test: ready.test.labels.length },
    details: { ...d },
  };
}

function failed(className: string, method: MethodResult['method'], err: Error, features = 0): MethodResult {
  return { className, method, status: 'failed', error: err.message.split('\n')[0], last: {}, timings: { features, train: 0, test: 0 }, compute: '—' };
}

/**
 * Runs every class and method; a class that fails is recorded with its error and the others
 * still run.
 *
 * @example
 * ```ts
 * const report = await runAccuracy(parseAccuracyArgs(['--data', 'data/synth', '--class', 'synth_woven', '--epochs', '1']));
 * ```
 */
export async function runAccuracy(
  args: AccuracyArgs,
  options: { out?: Output; log?: (line: string) => void; /** Called with the report so far after each class (to keep partial results of long runs). */ onClass?: (partial: AccuracyReport) => void } = {},
): Promise<AccuracyReport> {
  const t0 = performance.now();
  const out = options.out ?? createOutput();
  const log = options.log ?? ((l: string) => out.log(l));
  const s = args.train;
  const classes = args.classes.length === 1 && args.classes[0] === 'all' ? listClasses(s.data!) : args.classes.length ? args.classes : [s.data!.replace(/^.*[\\/]/, '')];
  // Every class folder is checked before the first (possibly hours-long) run starts.
  const checked = await ExecutionPlan.check(s);
  for (const c of classes) openSplit({ kind: s.kind, root: s.data!, className: c, testDir: s.testDir, masksDir: s.masksDir }, 'train', { size: s.config.inputSize });
  // One plan for every class: the same paths msflow train takes.
  const plan = await checked.start();
  const results: MethodResult[] = [];
  for (const className of classes) {
    let knn: MethodResult | undefined;
    const onFeatures = async (ready: FeaturesReady) => {
      if (args.methods.includes('knn')) {
        // A failing baseline must not cost the MSFlow run that follows.
        knn = await knnResult(ready, args, log).catch((err: Error) => failed(className, 'knn', err, ready.seconds));
      }
      if (!args.methods.includes('msflow')) throw new FeaturesOnly();
    };
    try {
      const outcome = await trainClass(s, className, { out, onFeatures, plan });
      results.push(msflowResult(outcome, s.config.train.metaEpochs));
    } catch (err) {
      if (!(err instanceof FeaturesOnly)) {
        log(`${className}: failed: ${(err as Error).message.split('\n')[0]}`);
        if (args.methods.includes('msflow')) results.push(failed(className, 'msflow', err as Error));
        if (args.methods.includes('knn') && !knn) knn = failed(className, 'knn', err as Error);
      }
    }
    if (knn) results.push(knn);
    options.onClass?.(report(args, results, t0));
  }
  return report(args, results, t0);
}

function report(args: AccuracyArgs, results: MethodResult[], t0: number): AccuracyReport {
  const s = args.train;
  const c = s.config;
  return {
    schema: 'msflow-accuracy/1',
    date: new Date().toISOString(),
    machine: { hostname: hostname(), ...describeMachine() },
    versions: packageVersions(),
    settings: {
      data: s.data,
      kind: s.kind,
      preset: s.preset,
      inputSize: c.inputSize,
      blocks: c.blocks,
      metaEpochs: c.train.metaEpochs,
      subEpochs: c.train.subEpochs,
      batchSize: c.train.batchSize,
      lr: c.train.lr,
      translate: c.train.translate ?? 0,
      topK: c.topK,
      backbone: s.backbone === 'default' ? `default (${c.backbone})` : s.backbone,
      seed: c.seed,
      backend: s.backend,
      trainer: s.trainer,
      methods: args.methods,
      knn: args.knn,
    },
    results: [...results],
    seconds: (performance.now() - t0) / 1000,
  };
}
