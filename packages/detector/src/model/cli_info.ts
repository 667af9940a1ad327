import { DetectorError } from '../errors.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates the CLI's part of a sidecar (`cli`): thresholds are finite numbers, names and paths
 * are strings. A threshold of `"abc"` would otherwise surface as a type error deep in `predict`.
 *
 * @throws DetectorError `<sidecar>: field cli.thresholds.f1.value: expected a finite number, got "abc"`.
 * @example
 * ```ts
 * checkCliInfo({ backbone: 'default', thresholds: { quantile: { value: 0.3, q: 0.99, source: 'train', images: 40 } } }, 'model.json');
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
  for (const kind of Object.keys(t)) {
    if (kind !== 'f1' && kind !== 'quantile') fail(`.thresholds.${kind}`, 'only f1 and quantile thresholds', kind);
    const entry = t[kind];
    if (!isObject(entry)) fail(`.thresholds.${kind}`, 'an object', entry);
    const e = entry as Record<string, unknown>;
    if (typeof e.value !== 'number' || !Number.isFinite(e.value)) fail(`.thresholds.${kind}.value`, 'a finite number', e.value);
    if (!Number.isSafeInteger(e.images) || (e.images as number) < 0) fail(`.thresholds.${kind}.images`, 'a count of images', e.images);
    if (kind === 'f1' && !(typeof e.f1 === 'number' && e.f1 >= 0 && e.f1 <= 1)) fail('.thresholds.f1.f1', 'a number in [0, 1]', e.f1);
    if (kind === 'quantile' && !(typeof e.q === 'number' && e.q > 0 && e.q <= 1)) fail('.thresholds.quantile.q', 'a number in (0, 1]', e.q);
  }
  if (c.split !== undefined) {
    const sp = c.split as Record<string, unknown>;
    if (!isObject(sp) || typeof sp.valSplit !== 'number' || !(sp.valSplit >= 0 && sp.valSplit <= 0.5)) fail('.split.valSplit', 'a fraction in [0, 0.5]', isObject(sp) ? sp.valSplit : sp);
    if (typeof sp.quantile !== 'number' || !(sp.quantile >= 0.5 && sp.quantile <= 1)) fail('.split.quantile', 'a quantile in [0.5, 1]', sp.quantile);
  }
  if (c.evaluate !== undefined && typeof c.evaluate !== 'boolean') fail('.evaluate', 'true or false', c.evaluate);
  if (c.dataset !== undefined) {
    if (!isObject(c.dataset)) fail('.dataset', 'an object', c.dataset);
    const d = c.dataset as Record<string, unknown>;
    for (const k of ['kind', 'root', 'className'] as const) if (typeof d[k] !== 'string') fail(`.dataset.${k}`, 'a string', d[k]);
    for (const k of ['testDir', 'masksDir'] as const) if (d[k] !== undefined && typeof d[k] !== 'string') fail(`.dataset.${k}`, 'a string', d[k]);
  }
}
