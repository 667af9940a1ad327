import type { PadMode } from '@msflow/core';
import { PageError } from '../errors.js';
import type { BackboneSource } from './settings.js';

/** What `msflow serve` puts at `api/train`: the backbone training starts from (the CLI's `--backbone default`). */
export interface ServedTrainManifest {
  backbone: { arch: string; padMode: PadMode; source: string; choice: string; file: string };
}

/**
 * The backbone `msflow serve` offers for training, with an absolute URL the worker can fetch;
 * a page served without it cannot train (the weights are not bundled with the page).
 */
export async function servedBackbone(base = location.href): Promise<BackboneSource> {
  const res = await fetch(new URL('api/train', base)).catch(() => undefined);
  if (!res?.ok) throw new PageError('load', 'training needs the backbone weights that msflow serve provides: start the page with msflow serve (no checkpoint needed)');
  const m = (await res.json()) as ServedTrainManifest;
  const b = m.backbone;
  return { arch: b.arch, padMode: b.padMode, source: b.source, choice: b.choice, url: new URL(b.file, base).href };
}
