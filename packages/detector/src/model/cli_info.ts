import { DetectorError } from '../errors.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates the CLI's part of a sidecar (`cli`): thresholds are finite numbers, names and paths
 * are strings. A threshold of `"abc"` would otherwise surface as a type error deep in `predict`.
 *
 * @throws DetectorError `<sidecar>: field cli.thresholds.f1.value: expected a finite number, got "abc"`.
 * @example
 * ```ts
 * checkCliInfo({ backbone: 'default', thresholds: { f1: { value: 14.2, f1: 0.97, source: 'test', images: 83, score: 'nll' } } }, 'model.json');
 * ```
 */
export function checkCliInfo(cli: unknown, file: string): void {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new DetectorError(`${file}: field cli${field}: expected ${expected}, got ${JSON.stringify(got)?.slice(0, 60)}`);
  };
  if (!isObject(cli)) fail('', 'an object', cli);
  const c = cli as Record<string, unknown>;
  if (typeof c.backbone !== 'string' || c.backbone === '') fail('.backbone', 'default, random or a weights file', c.backbone);
  if (!isObject(c.thresholds)) fail('.thresholds', 'an object', c.thresholds);
  const t = c.thresholds as Record<string, unknown>;
  const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
  const fraction = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;
  for (const kind of Object.keys(t)) {
    if (kind !== 'normal' && kind !== 'f1' && kind !== 'quantile') fail(`.thresholds.${kind}`, 'only normal, f1 and quantile thresholds', kind);
    const entry = t[kind];
    if (!isObject(entry)) fail(`.thresholds.${kind}`, 'an object', entry);
    const e = entry as Record<string, unknown>;
    if (typeof e.value !== 'number' || !Number.isFinite(e.value)) fail(`.thresholds.${kind}.value`, 'a finite number', e.value);
    if (!Number.isSafeInteger(e.images) || (e.images as number) < 0) fail(`.thresholds.${kind}.images`, 'a count of images', e.images);
    if (kind === 'f1' && !(typeof e.f1 === 'number' && e.f1 >= 0 && e.f1 <= 1)) fail('.thresholds.f1.f1', 'a number in [0, 1]', e.f1);
    if (kind === 'quantile' && !(typeof e.q === 'number' && e.q > 0 && e.q <= 1)) fail('.thresholds.quantile.q', 'a number in (0, 1]', e.q);
    if (kind === 'f1' && e.score !== undefined && e.score !== 'nll') fail('.thresholds.f1.score', "'nll' (or absent: an older version's paper score)", e.score);
    if (kind === 'normal') {
      if (e.score !== 'nll') fail('.thresholds.normal.score', "'nll'", e.score);
      if (e.source !== 'validation' && e.source !== 'train') fail('.thresholds.normal.source', 'validation or train', e.source);
      for (const k of ['targetFpr', 'fpr'] as const) if (!fraction(e[k])) fail(`.thresholds.normal.${k}`, 'a fraction in [0, 1]', e[k]);
      const n = e.normal as Record<string, unknown> | undefined;
      if (!isObject(n) || !finite(n.min) || !finite(n.max) || !((n.max as number) >= (n.min as number))) fail('.thresholds.normal.normal', 'finite { min, max } with min <= max', n);
      const px = e.pixel as Record<string, unknown> | undefined;
      if (!isObject(px) || !finite(px.threshold) || !finite(px.low)) fail('.thresholds.normal.pixel', 'finite { threshold, low }', px);
    }
  }
  if (c.split !== undefined) {
    const sp = c.split as Record<string, unknown>;
    if (!isObject(sp) || typeof sp.valSplit !== 'number' || !(sp.valSplit >= 0 && sp.valSplit <= 0.5)) fail('.split.valSplit', 'a fraction in [0, 0.5]', isObject(sp) ? sp.valSplit : sp);
    if (sp.fpr !== undefined && !(typeof sp.fpr === 'number' && sp.fpr >= 0 && sp.fpr <= 0.5)) fail('.split.fpr', 'a false-positive rate in [0, 0.5]', sp.fpr);
    if (sp.quantile !== undefined && !(typeof sp.quantile === 'number' && sp.quantile >= 0.5 && sp.quantile <= 1)) fail('.split.quantile', 'a quantile in [0.5, 1]', sp.quantile);
  }
  if (c.evaluate !== undefined && typeof c.evaluate !== 'boolean') fail('.evaluate', 'true or false', c.evaluate);
  if (c.dataset !== undefined) {
    if (!isObject(c.dataset)) fail('.dataset', 'an object', c.dataset);
    const d = c.dataset as Record<string, unknown>;
    for (const k of ['kind', 'root', 'className'] as const) if (typeof d[k] !== 'string') fail(`.dataset.${k}`, 'a string', d[k]);
    for (const k of ['testDir', 'masksDir'] as const) if (d[k] !== undefined && typeof d[k] !== 'string') fail(`.dataset.${k}`, 'a string', d[k]);
  }
}
