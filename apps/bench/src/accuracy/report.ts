/**
 * The accuracy benchmark's report: a JSON document (`msflow-accuracy/1`) and a Markdown table
 * like the paper's, per class and method, with last-epoch and best-epoch numbers kept apart.
 */
import type { TypeMetrics } from '@msflow/eval';
import type { MachineInfo } from '../machine.js';

/** The three headline metrics, fractions in [0, 1]. */
export const ACCURACY_METRICS = ['imageAuroc', 'pixelAuroc', 'aupro'] as const;
export type AccuracyMetric = (typeof ACCURACY_METRICS)[number];
export type MetricValues = Partial<Record<AccuracyMetric, number>>;

/** One method on one class. */
export interface MethodResult {
  className: string;
  method: 'msflow' | 'knn';
  status: 'completed' | 'cancelled' | 'failed';
  error?: string;
  /** Metrics of the final model (MSFlow: after the last meta-epoch). */
  last: MetricValues;
  /** The final model's image and pixel AUROC per defect type, each against the normal test images. */
  byType?: TypeMetrics[];
  /**
   * MSFlow only: per metric, the best value over the meta-epochs and its epoch. This is
   * selection on the test set (how MSFlow's paper reports), not a deployable number.
   */
  best?: Partial<Record<AccuracyMetric, { value: number; metaEpoch: number }>>;
  metaEpochs?: number;
  /**
   * MSFlow only: every meta-epoch's training loss (nats per latent element, without ½·ln 2π),
   * the held-out normal images' loss when `--val-split` holds some out, and test metrics, in
   * order, so a curve that peaks early is visible rather than hidden behind "last" and "best".
   */
  epochs?: { metaEpoch: number; lossPerDim: number; valLossPerDim?: number; metrics: MetricValues }[];
  /** Wall seconds per stage: features (backbone), train (MSFlow steps; kNN: building the bank), test (scoring and metrics). */
  timings: { features: number; train: number; test: number };
  /**
   * Process CPU seconds (user + system, every thread) per stage, as {@link timings}: on a
   * machine shared with other jobs wall time grows with their load and CPU time barely does.
   * MSFlow's train and test stages run interleaved (an evaluation after each meta-epoch), so
   * their CPU time is measured together and shared out in proportion to their wall time.
   */
  cpu?: { features: number; train: number; test: number };
  /** What computed it, e.g. `traced onnx (cpu, 2 threads)` or `kNN, matmul on onnx`. */
  compute: string;
  images?: { train: number; test: number };
  runDir?: string;
  /** Method details (kNN: taps, bank, coreset...). */
  details?: Record<string, unknown>;
}

/** The whole report. */
export interface AccuracyReport {
  schema: 'msflow-accuracy/1';
  date: string;
  machine: MachineInfo & { hostname: string };
  versions: Record<string, string>;
  /** The command's settings (dataset, preset, size, epochs, kNN options). */
  settings: Record<string, unknown>;
  results: MethodResult[];
  /** Seconds for the whole run. */
  seconds: number;
}

const pct = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : (100 * v).toFixed(1));
const secs = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const cell = (s: string) => s.replace(/\|/g, '\\|');

/** Mean of each metric over the results that have it (per method). */
function means(rows: readonly MethodResult[], pick: (r: MethodResult) => MetricValues): MetricValues {
  const out: MetricValues = {};
  for (const k of ACCURACY_METRICS) {
    const xs = rows.map(pick).map((m) => m[k]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (xs.length === rows.length && xs.length > 0) out[k] = xs.reduce((a, b) => a + b, 0) / xs.length;
  }
  return out;
}

const bestValues = (r: MethodResult): MetricValues => Object.fromEntries(Object.entries(r.best ?? {}).map(([k, v]) => [k, v?.value]));

/**
 * The report as Markdown: a header (date, machine, settings), the last-epoch table with wall
 * times per stage, and the best-epoch table labelled as test-set selected.
 *
 * @example
 * ```ts
 * writeFileSync('accuracy.md', accuracyMarkdown(report));
 * ```
 */
export function accuracyMarkdown(r: AccuracyReport): string {
  const s = r.settings;
  const lines = [
    '# Accuracy benchmark',
    '',
    `${r.date.slice(0, 19).replace('T', ' ')} UTC on \`${r.machine.hostname}\` (${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB), Node ${r.machine.node}; total ${secs(r.seconds)} s.`,
    '',
    `Settings: ${Object.entries(s)
      .map(([k, v]) => `${k} \`${typeof v === 'object' ? JSON.stringify(v) : String(v)}\``)
      .join(', ')}.`,
    '',
    '## Last epoch',
    '',
    'Image AUROC, pixel AUROC and AUPRO (FPR ≤ 0.3) in %, of the final model (MSFlow: after its last meta-epoch; kNN: no training). Wall seconds per stage: features (backbone, shared by both methods), train (MSFlow: optimizer steps; kNN: building the memory bank), test (scoring, metrics; MSFlow: every meta-epoch\'s evaluation). CPU s: the process\'s CPU seconds (user + system, both threads) for the same three stages, features / train / test, which grow little with other jobs\' load (MSFlow\'s train and test share theirs by wall time).',
    '',
    '| class | method | image AUROC | pixel AUROC | AUPRO | features s | train s | test s | CPU s | computed by | status |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const x of r.results) {
    lines.push(`| ${cell(x.className)} | ${x.method} | ${pct(x.last.imageAuroc)} | ${pct(x.last.pixelAuroc)} | ${pct(x.last.aupro)} | ${secs(x.timings.features)} | ${secs(x.timings.train)} | ${secs(x.timings.test)} | ${x.cpu ? `${secs(x.cpu.features)} / ${secs(x.cpu.train)} / ${secs(x.cpu.test)}` : '—'} | ${cell(x.compute)} | ${x.status}${x.error ? `: ${cell(x.error)}` : ''} |`);
  }
  const methods = [...new Set(r.results.map((x) => x.method))];
  const classes = new Set(r.results.map((x) => x.className));
  if (classes.size > 1) {
    for (const m of methods) {
      const rows = r.results.filter((x) => x.method === m);
      const avg = means(rows, (x) => x.last);
      lines.push(`| **mean** | ${m} | ${pct(avg.imageAuroc)} | ${pct(avg.pixelAuroc)} | ${pct(avg.aupro)} | | | | | | |`);
    }
  }
  const withBest = r.results.filter((x) => x.best && Object.keys(x.best).length);
  if (withBest.length) {
    lines.push(
      '',
      '## Best epoch (test-set selected)',
      '',
      'Per metric, the best value over all meta-epochs, with its meta-epoch in brackets (1-based, as the training log counts). The epoch is chosen on the test set itself, as MSFlow\'s published numbers are: an optimistic upper bound, not what a deployed model gives.',
      '',
      '| class | method | image AUROC | pixel AUROC | AUPRO | meta-epochs |',
      '|---|---|---:|---:|---:|---:|',
    );
    for (const x of withBest) {
      const b = (k: AccuracyMetric) => (x.best?.[k] ? `${pct(x.best[k]!.value)} (${x.best[k]!.metaEpoch + 1})` : '—');
      lines.push(`| ${cell(x.className)} | ${x.method} | ${b('imageAuroc')} | ${b('pixelAuroc')} | ${b('aupro')} | ${x.metaEpochs ?? '—'} |`);
    }
    if (classes.size > 1) {
      for (const m of [...new Set(withBest.map((x) => x.method))]) {
        const avg = means(withBest.filter((x) => x.method === m), bestValues);
        lines.push(`| **mean** | ${m} | ${pct(avg.imageAuroc)} | ${pct(avg.pixelAuroc)} | ${pct(avg.aupro)} | |`);
      }
    }
  }
  const withEpochs = r.results.filter((x) => x.epochs && x.epochs.length > 1);
  if (withEpochs.length) {
    lines.push(
      '',
      '## Per meta-epoch',
      '',
      'Training loss and held-out normal images\' loss (nats per latent element, without ½·ln 2π; — without `--val-split`) and test metrics in % after each meta-epoch (1-based).',
      '',
      '| class | method | meta-epoch | loss / dim | validation loss / dim | image AUROC | pixel AUROC | AUPRO |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const x of withEpochs) {
      for (const e of x.epochs!) lines.push(`| ${cell(x.className)} | ${x.method} | ${e.metaEpoch + 1} | ${e.lossPerDim.toFixed(3)} | ${e.valLossPerDim === undefined ? '—' : e.valLossPerDim.toFixed(3)} | ${pct(e.metrics.imageAuroc)} | ${pct(e.metrics.pixelAuroc)} | ${pct(e.metrics.aupro)} |`);
    }
  }
  const withTypes = r.results.filter((x) => x.byType?.length);
  if (withTypes.length) {
    lines.push(
      '',
      '## Per defect type (last epoch)',
      '',
      'Each defect type\'s images against the normal test images, in %: image AUROC, pixel AUROC over the pixels of those images, and the type\'s share of all anomalous pixels (a type with large masks weighs that much in the pooled pixel AUROC above).',
      '',
      '| class | method | type | images | image AUROC | pixel AUROC | pixel share |',
      '|---|---|---|---:|---:|---:|---:|',
    );
    for (const x of withTypes) {
      for (const t of x.byType!) lines.push(`| ${cell(x.className)} | ${x.method} | ${cell(t.type)} | ${t.images} | ${pct(t.imageAuroc)} | ${pct(t.pixelAuroc)} | ${pct(t.pixelShare)} |`);
    }
  }
  const knn = r.results.find((x) => x.method === 'knn' && x.details);
  if (knn?.details) {
    const d = knn.details;
    lines.push('', `kNN baseline: taps ${JSON.stringify(d.taps)} (grid ${JSON.stringify(d.grid)}, ${d.dim} dims), ${d.window}x${d.window} local mean, bank ${d.bank} of ${d.patches} patches (${d.coreset}, seed ${d.seed}) for ${knn.className}, nearest distance upsampled and smoothed with σ ${d.sigma}, image score = max of the ${d.imageScore === 'map' ? 'map' : 'patch distances'}.`);
  }
  return lines.join('\n') + '\n';
}
