import { relative } from 'node:path';
import { Detector } from '@msflow/detector';
import { choiceFlag } from '../util/errors.js';
import type { Output } from '../util/output.js';
import { thresholdFlag } from './predict.js';

/** `msflow export <checkpoint> <out.onnx>`: the detector as one ONNX model (and a Triton model repository). */
export async function exportCommand(out: Output, checkpoint: string, output: string, flags: { threshold?: string; map?: string; triton?: string; name?: string }): Promise<void> {
  const map = choiceFlag(flags.map, '--map', ['nll', 'add', 'mul'] as const);
  const threshold = flags.threshold === 'none' ? 'none' : thresholdFlag(flags.threshold);
  const d = await Detector.load(checkpoint);
  let r;
  try {
    r = await d.export(output, { threshold, map, triton: flags.triton, name: flags.name });
  } finally {
    await d.dispose();
  }
  const rel = (p: string) => relative(process.cwd(), p) || p;
  const shape = (s: (number | string)[]) => `[${s.join(',')}]`;
  const human = [
    `wrote ${rel(r.path)} (${(r.bytes / 1e6).toFixed(1)} MB)`,
    ...r.inputs.map((i) => `input  ${i.name} ${i.type} ${shape(i.shape)} (RGB at the model's size; preprocessing is inside)`),
    ...r.outputs.map((o) => `output ${o.name} ${o.type} ${shape(o.shape)}${o.name === 'label' && r.threshold ? ` (1 when score >= ${r.threshold.value.toPrecision(6)}, ${r.threshold.from})` : ''}`),
    r.dynamicBatch ? 'batch size: any' : 'batch size: fixed (1)',
    ...(r.triton ? [`triton: ${rel(r.triton.config)} and ${rel(r.triton.model)}`] : []),
  ].join('\n');
  out.result(r, human);
}
