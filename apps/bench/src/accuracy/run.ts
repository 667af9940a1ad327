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

/** Process CPU seconds so far (user + system, all threads). */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * `cpu` seconds spent after the features, shared between the train and test stages in proportion
 * to their wall time; `otherWall` is the rest of that span (thresholds, reports), whose share is
 * left out.
 */
function shareCpu(features: number, cpu: number, t: { train: number; test: number }, otherWall = 0): MethodResult['cpu'] {
  const wall = t.train + t.test + Math.max(0, otherWall);
  if (!(wall > 0)) return { features, train: cpu, test: 0 };
  return { features, train: (cpu * t.train) / wall, test: (cpu * t.test) / wall };
}

const pick = (m: Record<string, number> | undefined): MetricValues => Object.fromEntries(ACCURACY_METRICS.filter((k) => m && Number.isFinite(m[k])).map((k) => [k, m![k]]));

/** `after`: CPU and wall seconds from the end of the features (and the kNN baseline) to the end of `trainClass`. */
function msflowResult(o: TrainOutcome, metaEpochs: number, cpu: { features: number; after: number; afterWall: number }): MethodResult {
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
    cpu: shareCpu(cpu.features, cpu.after, { train: o.timings.train ?? 0, test: o.timings.evaluate ?? 0 }, cpu.afterWall - (o.timings.train ?? 0) - (o.timings.evaluate ?? 0)),
    compute: `${o.trainer}; backbone on ${o.featuresVia}`,
    images: { train: o.images.train, test: o.images.test },
    runDir: o.runDir,
  };
}

async function knnResult(ready: FeaturesReady, args: AccuracyArgs, log: (line: string) => void, featuresCpu: number): Promise<MethodResult> {
  const base = { className: ready.className, method: 'knn' as const, timings: { features: ready.seconds, train: 0, test: 0 }, compute: 'kNN' };
  if (!ready.test) return { ...base, status: 'failed', error: 'no test split', last: {} };
  const c0 = cpuNow();
  const r = await runKnnStage(ready.train, ready.test, ready.config.inputSize, args.knn);
  const cpu = cpuNow() - c0;
  const d = r.description;
  log(`${ready.className}: kNN bank ${d.bank} of ${d.patches} patches (${d.coreset}) in ${r.timings.fit.toFixed(1)} s, scored ${ready.test.labels.length} test images in ${r.timings.score.toFixed(1)} s: image AUROC ${(100 * r.metrics.imageAuroc).toFixed(1)}`);
  return {
    ...base,
    status: 'completed',
    last: pick(r.metrics),
    ...(r.byType ? { byType: r.byType } : {}),
    timings: { features: ready.seconds, train: r.timings.fit, test: r.timings.score + r.timings.metrics },
    cpu: shareCpu(featuresCpu, cpu, { train: r.timings.fit, test: r.timings.score + r.timings.metrics }),
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
    const cpuStart = cpuNow();
    let featuresCpu = 0;
    let msflowStart = 0;
    let msflowWall = 0;
    const onFeatures = async (ready: FeaturesReady) => {
      featuresCpu = cpuNow() - cpuStart;
      if (args.methods.includes('knn')) {
        // A failing baseline must not cost the MSFlow run that follows.
        knn = await knnResult(ready, args, log, featuresCpu).catch((err: Error) => failed(className, 'knn', err, ready.seconds));
      }
      if (!args.methods.includes('msflow')) throw new FeaturesOnly();
      msflowStart = cpuNow();
      msflowWall = performance.now();
    };
    try {
      const outcome = await trainClass(s, className, { out, onFeatures, plan });
      results.push(msflowResult(outcome, s.config.train.metaEpochs, { features: featuresCpu, after: cpuNow() - msflowStart, afterWall: (performance.now() - msflowWall) / 1000 }));
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
      mapSigma: c.mapSigma ?? 0,
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
