import { relative } from 'node:path';
import { ExecutionPlan, listClasses, openSplit } from '@msflow/detector';
import { CliError, UsageError } from '../util/errors.js';
import { INTERRUPTED_EXIT, withInterrupt } from '../util/interrupt.js';
import { table, type Output } from '../util/output.js';
import { pct } from '../pipeline/progress.js';
import { resolveTrainSettings, type TrainFlags } from '../pipeline/settings.js';
import { trainClass, type TrainOutcome } from '../pipeline/train.js';

const rel = (p: string) => relative(process.cwd(), p) || '.';

/** One summary row per trained class. */
export function outcomeRows(outcomes: readonly TrainOutcome[]): string {
  return table(
    ['class', 'status', 'image AUROC', 'pixel AUROC', 'AUPRO', 'threshold', 'FPR test (target)', 'checkpoint'],
    outcomes.map((o) => [
      o.className,
      o.status,
      pct(o.final?.imageAuroc),
      pct(o.final?.pixelAuroc),
      pct(o.final?.aupro),
      o.thresholds.normal?.value.toPrecision(4) ?? '-',
      o.decision?.fpr !== undefined ? `${pct(o.decision.fpr)} (${pct(o.decision.targetFpr)})` : '-',
      rel(o.checkpoint.weights),
    ]),
  );
}

/** `msflow train`: trains one class, or every class of a dataset root with `--class all`. */
export async function trainCommand(out: Output, flags: TrainFlags): Promise<void> {
  const s = resolveTrainSettings(flags);
  if (!s.resume && !s.data) throw new UsageError('--data: required (the dataset root, e.g. --data data/mvtec --class bottle)');
  if (!s.resume && !s.className && s.kind !== 'folder') throw new UsageError('--class: required (a class folder name, or all)');
  // Before any image is read: a bad --execution-providers fails at once.
  const checked = await ExecutionPlan.check(s);
  const classes = s.className === 'all' ? listClasses(s.data!) : [s.className ?? (s.data ? s.data.replace(/^.*[\\/]/, '') : '')];
  // Check the folders before starting a backend: a missing or empty dataset fails at once.
  if (!s.resume) for (const c of classes) openSplit({ kind: s.kind, root: s.data!, className: c, testDir: s.testDir, masksDir: s.masksDir }, 'train', { size: s.config.inputSize });
  const plan = await checked.start();
  const outcomes: TrainOutcome[] = [];
  await withInterrupt(out, async (signal) => {
    for (const c of classes) {
      const o = await trainClass(s, c, { out, signal, plan });
      outcomes.push(o);
      if (o.status === 'cancelled') break;
    }
  });
  const last = outcomes.at(-1);
  out.result({ runs: outcomes }, outcomeRows(outcomes) + (last?.report ? `\nreport: ${rel(last.report.report)}` : ''));
  if (last?.status === 'cancelled') {
    throw new CliError(`interrupted: resumable checkpoint saved to ${rel(last.checkpoint.weights)}; continue with: msflow train --resume ${rel(last.checkpoint.weights)}`, INTERRUPTED_EXIT);
  }
}
