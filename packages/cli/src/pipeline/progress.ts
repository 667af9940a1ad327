import type { TrainEvent } from '@msflow/core';
import type { Output, Progress } from '../util/output.js';

/** Shortest useful rendering of a metric fraction as a percentage. */
export const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '-' : (v * 100).toFixed(2));

/**
 * Turns trainer events into a progress bar (TTY stderr only: ETA, loss per dimension,
 * throughput) and one log line per sub-epoch and evaluation (always, unless --quiet).
 *
 * @example
 * ```ts
 * const report = trainProgress(out, 'bottle', { totalSteps: 40, doneSteps: 0, batchSize: 8, subEpochs: 2, metaEpochs: 4 });
 * await trainer.run(features, { onProgress: report.onEvent });
 * report.end();
 * ```
 */
export function trainProgress(
  out: Output,
  label: string,
  plan: { totalSteps: number; doneSteps: number; batchSize: number; images: number; subEpochs: number; metaEpochs: number },
): { onEvent: (e: TrainEvent) => void; end: () => void } {
  const bar: Progress = out.progress(`train ${label}`, plan.totalSteps - plan.doneSteps);
  const t0 = performance.now();
  let images = 0;
  return {
    onEvent(e) {
      if (e.type === 'step') {
        images += Math.min(plan.batchSize, plan.images - e.batch * plan.batchSize);
        const ips = images / ((performance.now() - t0) / 1000);
        bar.tick(e.step - plan.doneSteps, `loss/dim ${e.lossPerDim.toFixed(3)}  ${ips.toFixed(1)} img/s`);
      } else if (e.type === 'subEpoch') {
        const sub = (e.subEpoch % plan.subEpochs) + 1;
        bar.log(`${label}: epoch ${e.metaEpoch + 1}/${plan.metaEpochs} pass ${sub}/${plan.subEpochs}  loss/dim ${e.lossPerDim.toFixed(4)}  lr ${e.lr.toExponential(2)}  ${e.seconds.toFixed(1)} s`);
      } else {
        const m = e.metrics;
        const val = m.valLossPerDim !== undefined ? `validation loss/dim ${m.valLossPerDim.toFixed(4)}` : '';
        const test = m.imageAuroc !== undefined ? `test  image AUROC ${pct(m.imageAuroc)}  pixel AUROC ${pct(m.pixelAuroc)}  AUPRO ${pct(m.aupro)}` : '';
        bar.log(`${label}: epoch ${e.metaEpoch + 1} ${[val, test].filter(Boolean).join('  ')}`);
      }
    },
    end: () => bar.end(),
  };
}
