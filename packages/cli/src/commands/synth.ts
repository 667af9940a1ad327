import { relative, resolve } from 'node:path';
import { ANOMALY_KINDS, SCENE_FAMILIES, type AnomalyKind } from '@msflow/data';
import { choiceFlag, intFlag, UsageError } from '../util/errors.js';
import { table, type Output } from '../util/output.js';
import { writeSyntheticDataset } from '@msflow/detector';

/** Flags of `msflow synth`. */
export interface SynthFlags {
  family?: string;
  class?: string;
  size?: string;
  train?: string;
  testGood?: string;
  testAnomalous?: string;
  kinds?: string;
  seed?: string;
  layout?: string;
  format?: string;
  force?: boolean;
}

/** `msflow synth <root>`: writes a seeded synthetic class in the MVTec (or VisA) layout. */
export async function synthCommand(out: Output, root: string, flags: SynthFlags): Promise<void> {
  const family = choiceFlag(flags.family, '--family', SCENE_FAMILIES) ?? 'woven';
  const kinds = flags.kinds?.split(',').map((k) => k.trim());
  for (const k of kinds ?? []) if (!ANOMALY_KINDS.includes(k as AnomalyKind)) throw new UsageError(`--kinds: unknown anomaly kind '${k}' (known: ${ANOMALY_KINDS.join(', ')})`);
  const w = writeSyntheticDataset(resolve(root), {
    family,
    className: flags.class,
    size: intFlag(flags.size, '--size', 16) ?? 128,
    trainCount: intFlag(flags.train, '--train', 1) ?? 40,
    testGoodCount: intFlag(flags.testGood, '--test-good', 0) ?? 10,
    testAnomalyCount: intFlag(flags.testAnomalous, '--test-anomalous', 0) ?? 20,
    kinds: kinds as AnomalyKind[] | undefined,
    seed: intFlag(flags.seed, '--seed', 0) ?? 0,
    layout: choiceFlag(flags.layout, '--layout', ['mvtec', 'visa'] as const),
    format: choiceFlag(flags.format, '--format', ['png', 'jpg'] as const),
    overwrite: flags.force,
  });
  const human = `${table(['folder', 'files'], Object.entries(w.counts).sort().map(([k, v]) => [k, v]))}\nwrote ${relative(process.cwd(), w.classDir) || w.classDir}`;
  out.result(w, human);
}
