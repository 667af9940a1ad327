import { relative } from 'node:path';
import { choiceFlag } from '../util/errors.js';
import type { Output } from '../util/output.js';
import { exportCheckpoint } from '@msflow/detector';
import { thresholdFlag } from './predict.js';

/** `msflow export <checkpoint> <out.onnx>`: backbone + flows + scoring as one ONNX model. */
export async function exportCommand(out: Output, checkpoint: string, output: string, flags: { threshold?: string; map?: string }): Promise<void> {
  const map = choiceFlag(flags.map, '--map', ['nll', 'add', 'mul'] as const);
  const threshold = flags.threshold === 'none' ? 'none' : thresholdFlag(flags.threshold);
  const r = await exportCheckpoint({ checkpoint, output, threshold, map });
  const human = [
    `wrote ${relative(process.cwd(), r.path) || r.path} (${(r.bytes / 1e6).toFixed(1)} MB)`,
    `input  image [N,${r.inputShape.slice(1).join(',')}] float32 NCHW, normalised: ${JSON.stringify(r.preprocess)}`,
    `output anomaly_map [N,${r.inputShape.slice(2).join(',')}], score [N]${r.threshold?.normalization ? ', normalized_score [N] (0.5 at the threshold)' : ''}${r.threshold ? `, label [N] (1 when score >= ${r.threshold.value.toPrecision(6)}, ${r.threshold.from})` : ''}`,
    r.dynamicBatch ? 'batch size: any' : 'batch size: fixed',
  ].join('\n');
  out.result(r, human);
}
