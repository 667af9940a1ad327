import { relative } from 'node:path';
import { useBackend, type ThresholdMode } from '@msflow/detector';
import { numFlag } from '../util/errors.js';
import { table, type Output } from '../util/output.js';
import { predictImages } from '../pipeline/predict.js';

/** Parses `--threshold`: a number, or auto / f1 / quantile. */
export function thresholdFlag(v: string | undefined): ThresholdMode | number | undefined {
  if (v === undefined || v === 'auto' || v === 'f1' || v === 'quantile') return v;
  return numFlag(v, '--threshold');
}

/** `msflow predict <checkpoint> <images...>`: per-image score and label. */
export async function predictCommand(out: Output, checkpoint: string, inputs: string[], flags: { threshold?: string; maps?: string; backend?: string }): Promise<void> {
  const threshold = thresholdFlag(flags.threshold);
  await useBackend(flags.backend);
  const r = await predictImages({ checkpoint, inputs, threshold, mapsDir: flags.maps }, out);
  const rel = (p: string) => relative(process.cwd(), p) || p;
  const human = [
    table(
      ['image', 'score', 'label', ...(flags.maps ? ['map'] : [])],
      r.predictions.map((p) => [rel(p.file), p.score.toPrecision(5), p.label === null ? '-' : p.label ? 'anomalous' : 'normal', ...(p.map ? [rel(p.map)] : [])]),
    ),
    r.threshold ? `threshold ${r.threshold.value.toPrecision(6)} (${r.threshold.from}); anomalous when score >= threshold` : 'no threshold in the checkpoint: labels need msflow test or --threshold <number>',
  ].join('\n');
  out.result(r, human);
}
