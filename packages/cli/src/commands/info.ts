import { countFlowParameters } from '@msflow/core';
import { table, type Output } from '../util/output.js';
import { describeNormalThreshold, readCheckpoint } from '@msflow/detector';
import { pct } from '../pipeline/progress.js';

/** `msflow info <checkpoint>`: what a checkpoint holds, validated. */
export async function infoCommand(out: Output, checkpoint: string): Promise<void> {
  const ckpt = readCheckpoint(checkpoint);
  const s = ckpt.sidecar;
  const c = s.config;
  const t = s.training;
  const total = c.train.metaEpochs * c.train.subEpochs;
  const params = countFlowParameters(c);
  const thresholds = s.cli?.thresholds ?? {};
  const summary = {
    checkpoint: ckpt.paths,
    preset: s.preset,
    libraryVersion: s.libraryVersion,
    backend: s.backend,
    backbone: { ...s.backbone, cliChoice: s.cli?.backbone ?? null },
    dataset: s.cli?.dataset ?? null,
    parameters: params,
    config: c,
    training: t ? { passes: t.subEpoch, of: total, steps: t.step, images: t.images, finished: t.subEpoch >= total } : null,
    metrics: s.metrics,
    thresholds,
  };
  const rows: [string, string][] = [
    ['checkpoint', ckpt.paths.weights],
    ['preset', s.preset ?? '-'],
    ['backbone', `${s.backbone.id} (${s.backbone.padding} padding), weights: ${s.cli?.backbone ?? s.backbone.weights ?? '-'}`],
    ['flows', `channels [${c.channels}], blocks [${c.blocks}], input ${c.inputSize.join('x')}, ${params.total.toLocaleString('en-US')} parameters`],
    ['dataset', s.cli?.dataset ? `${s.cli.dataset.kind} ${s.cli.dataset.root} / ${s.cli.dataset.className}` : '-'],
    ['training', t ? `${t.subEpoch}/${total} passes, ${t.step} steps on ${t.images} images${t.subEpoch >= total ? ' (finished)' : ' (resumable)'}` : 'no training state'],
    ['trained on', s.backend ?? '-'],
    ['last metrics', s.metrics?.last ? Object.entries(s.metrics.last.metrics).map(([k, v]) => `${k} ${pct(v)}`).join(', ') || '-' : '-'],
    ['best metrics', s.metrics && Object.keys(s.metrics.best).length ? Object.entries(s.metrics.best).map(([k, v]) => `${k} ${pct(v.value)} (epoch ${v.metaEpoch + 1})`).join(', ') : '-'],
    ['threshold', thresholds.normal ? `${thresholds.normal.value.toPrecision(6)} (${describeNormalThreshold(thresholds.normal)}); pixel threshold ${thresholds.normal.pixel.threshold.toPrecision(6)}` : '-'],
    ['threshold f1', thresholds.f1 ? `${thresholds.f1.value.toPrecision(6)} (F1 ${pct(thresholds.f1.f1)}, ${thresholds.f1.images} ${thresholds.f1.source} images${thresholds.f1.score ? '' : '; paper score, older version'})` : '-'],
    ['library', s.libraryVersion],
  ];
  out.result(summary, table(['field', 'value'], rows));
}
