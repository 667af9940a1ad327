import { relative } from 'node:path';
import type { RunDecision } from '@msflow/eval';
import { DATASET_KINDS } from '@msflow/detector';
import { choiceFlag, numFlag, UsageError } from '../util/errors.js';
import { fprFlag } from '../pipeline/settings.js';
import { table, type Output } from '../util/output.js';
import { pct } from '../pipeline/progress.js';
import { testCheckpoint } from '../pipeline/test.js';

/** Flags of `msflow test`. */
export interface TestFlags {
  data?: string;
  kind?: string;
  class?: string;
  testDir?: string;
  masks?: string;
  out?: string;
  backend?: string;
  saveThreshold?: boolean;
  heatmaps?: boolean;
  mapScales?: string;
  mapSigma?: string;
  fpr?: string;
}

const rel = (p: string) => relative(process.cwd(), p) || '.';

/** `--map-scales 0,1` (distinct scale indices) or `all`; undefined when absent. */
export function mapScalesFlag(value: string | undefined): number[] | 'all' | undefined {
  if (value === undefined) return undefined;
  if (value === 'all') return 'all';
  const xs = value.split(',').map((v) => (/^\d+$/.test(v.trim()) ? Number(v) : NaN));
  if (xs.some((x) => !Number.isInteger(x)) || new Set(xs).size !== xs.length) throw new UsageError(`--map-scales: expected distinct scale indices such as 0,1 (0 = finest), or all, got '${value}'`);
  return xs;
}

/** The stored threshold on the test set, in one line: its FPR on the test normals beside the target. */
export function decisionLine(d: RunDecision | undefined): string {
  if (!d) return 'no image threshold stored for the user score (choose one from normal images: --fpr 0.01)';
  const f = (v: number | undefined) => (v === undefined ? '-' : `${(v * 100).toFixed(1)}%`);
  return `image threshold ${d.threshold.toPrecision(6)} (${d.from}): FPR on the ${d.normals} test normals ${f(d.fpr)}${d.targetFpr !== undefined ? ` (target ${f(d.targetFpr)})` : ''}, recall on the ${d.anomalous} anomalous ${f(d.recall)}`;
}

/** `msflow test <checkpoint>`: metrics, thresholds, report and heatmaps for a test split. */
export async function testCommand(out: Output, checkpoint: string, flags: TestFlags): Promise<void> {
  const kind = choiceFlag(flags.kind, '--kind', DATASET_KINDS);
  const scales = mapScalesFlag(flags.mapScales);
  const fpr = fprFlag(flags.fpr);
  const mapSigma = numFlag(flags.mapSigma, '--map-sigma');
  const r = await testCheckpoint(
    { checkpoint, backend: flags.backend, data: flags.data, kind, className: flags.class, testDir: flags.testDir, masksDir: flags.masks, out: flags.out, saveThreshold: flags.saveThreshold, heatmaps: flags.heatmaps, mapScales: scales, mapSigma, fpr },
    out,
  );
  const m = r.metrics;
  const rows: [string, string][] = [
    ['image AUROC', pct(m.imageAuroc)],
    ['image AUROC (user score)', pct(m.imageAurocNll)],
    ['pixel AUROC', pct(m.pixelAuroc)],
    ['AUPRO (FPR <= 0.3)', pct(m.aupro)],
    ['image F1-max', pct(m.imageF1Max)],
    ['pixel F1-max', pct(m.pixelF1Max)],
  ];
  const t = r.thresholds;
  const human = [
    `${r.className}: ${r.images.total} test images (${r.images.anomalous} anomalous), backend ${r.backend.detail}`,
    table(['metric (x100)', 'value'], rows),
    ...(r.byType?.length
      ? [
          'per defect type, each against the normal test images (pixel share: its part of all anomalous pixels):',
          table(
            ['type', 'images', 'image AUROC', 'pixel AUROC', 'pixel share'],
            r.byType.map((x) => [x.type, String(x.images), pct(x.imageAuroc), pct(x.pixelAuroc), pct(x.pixelShare)]),
          ),
        ]
      : []),
    decisionLine(r.decision),
    t.f1 ? `F1-max threshold on the test set (F1 ${pct(t.f1.f1)}): ${t.f1.value.toPrecision(6)}${flags.saveThreshold === false || scales ? '' : ' (stored; used only with --threshold f1)'}` : 'no F1-max threshold (the test set needs normal and anomalous images)',
    `report: ${rel(r.files.report)}`,
    `metrics: ${rel(r.files.metrics)}`,
    ...(r.files.heatmaps ? [`heatmaps: ${rel(r.files.heatmaps)}/`] : []),
  ].join('\n');
  out.result(r, human);
}
