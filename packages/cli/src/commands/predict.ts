import { relative } from 'node:path';
import type { ThresholdMode } from '@msflow/detector';
import { numFlag } from '../util/errors.js';
import { distinctFormat, table, type Output } from '../util/output.js';
import { predictImages } from '../pipeline/predict.js';

/** Parses `--threshold`: a number, or auto / fpr / f1. */
export function thresholdFlag(v: string | undefined): ThresholdMode | number | undefined {
  if (v === undefined || v === 'auto' || v === 'fpr' || v === 'f1') return v;
  return numFlag(v, '--threshold');
}

/** `msflow predict <checkpoint> <images...>`: per-image score and label. */
export async function predictCommand(out: Output, checkpoint: string, inputs: string[], flags: { threshold?: string; maps?: string; masks?: string; backend?: string }): Promise<void> {
  const threshold = thresholdFlag(flags.threshold);
  const r = await predictImages({ checkpoint, inputs, threshold, mapsDir: flags.maps, masksDir: flags.masks, backend: flags.backend }, out);
  const rel = (p: string) => relative(process.cwd(), p) || p;
  // Enough digits that two images print the same score only when their scores are equal.
  const score = distinctFormat(r.predictions.map((p) => p.score));
  const norm = distinctFormat(r.predictions.map((p) => p.normalized), 4);
  const t = r.threshold;
  const human = [
    table(
      ['image', 'score', ...(t?.normalization ? ['normalized'] : []), 'label', ...(flags.maps ? ['map'] : []), ...(flags.masks ? ['mask'] : [])],
      r.predictions.map((p) => [
        rel(p.file),
        score(p.score),
        ...(t?.normalization ? [norm(p.normalized)] : []),
        p.label === null ? '-' : p.label ? 'anomalous' : 'normal',
        ...(p.map ? [rel(p.map)] : []),
        ...(p.mask ? [rel(p.mask)] : []),
      ]),
    ),
    'score: top-k mean of the negative log-likelihood per pixel (higher = more anomalous)' + (t?.normalization ? '; normalized: the score mapped to (0, 1), 0.5 at the threshold' : ''),
    t ? `threshold ${t.value.toPrecision(6)}, chosen by ${t.from}; anomalous when score >= threshold` : 'no threshold: labels need one chosen from normal images (msflow test --fpr 0.01) or --threshold <number>',
  ].join('\n');
  out.result(r, human);
}
