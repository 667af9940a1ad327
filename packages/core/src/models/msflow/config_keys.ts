/**
 * The keys an {@link MSFlowConfig} may have, so a typo (`blcoks`) or junk is refused with the
 * nearest valid key instead of being carried into a checkpoint.
 */

/** Valid keys of each object in a config, by path (`''` the top, `train`, `train.schedule`). */
export const CONFIG_KEYS: Readonly<Record<'' | 'train' | 'train.schedule', readonly string[]>> = {
  '': ['backbone', 'backbonePadding', 'channels', 'strides', 'blocks', 'clamp', 'fusionClamp', 'condChannels', 'inputSize', 'pool', 'seed', 'topK', 'mapScales', 'mapSigma', 'train'],
  train: ['metaEpochs', 'subEpochs', 'batchSize', 'lr', 'betas', 'eps', 'clipNorm', 'schedule', 'translate'],
  'train.schedule': ['warmupStartFactor', 'warmupSubEpochs', 'milestones', 'gamma'],
};

function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[y.length];
}

/**
 * The name in `names` closest to `word` (edit distance, case-insensitive), when it is close
 * enough to be a likely typo; otherwise undefined.
 *
 * @example
 * ```ts
 * nearestName('blcoks', ['blocks', 'channels']); // 'blocks'
 * nearestName('zzz', ['blocks']); // undefined
 * ```
 */
export function nearestName(word: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of names) {
    const d = distance(word.slice(0, 64), n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  const close = bestD <= Math.max(2, Math.floor(word.length / 3));
  const prefix = best !== undefined && word.length >= 3 && (best.toLowerCase().startsWith(word.toLowerCase()) || word.toLowerCase().startsWith(best.toLowerCase()));
  return close || prefix ? best : undefined;
}

/** One key that is not part of the config schema. */
export interface UnknownKey {
  /** Dotted path, with the caller's prefix (`model.train.lerningRate`). */
  path: string;
  /** The nearest valid key at that level, when one is close. */
  nearest?: string;
  /** Set when the key is valid but should hold an object and does not. */
  notAnObject?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Keys of a (partial) config that the schema does not have, and `train` / `train.schedule`
 * entries that are not objects, as dotted paths after `prefix`.
 *
 * @example
 * ```ts
 * unknownConfigKeys({ blcoks: [1, 1, 1], train: { lerningRate: 1 } }, 'model.');
 * // [{ path: 'model.blcoks', nearest: 'blocks' }, { path: 'model.train.lerningRate' }]
 * ```
 */
export function unknownConfigKeys(value: unknown, prefix = ''): UnknownKey[] {
  const out: UnknownKey[] = [];
  const walk = (v: unknown, level: keyof typeof CONFIG_KEYS) => {
    const keys = CONFIG_KEYS[level];
    for (const k of Object.keys(v as object)) {
      const path = `${prefix}${level ? `${level}.` : ''}${k}`;
      if (!keys.includes(k)) {
        out.push({ path, nearest: nearestName(k, keys) });
        continue;
      }
      const child = (v as Record<string, unknown>)[k];
      const sub = (level ? `${level}.${k}` : k) as keyof typeof CONFIG_KEYS;
      if (sub in CONFIG_KEYS && child !== undefined) {
        if (isObject(child)) walk(child, sub);
        else out.push({ path, notAnObject: true });
      }
    }
  };
  if (isObject(value)) walk(value, '');
  return out;
}

/**
 * One phrase per unknown key, e.g. `unknown key model.blcoks (did you mean blocks?)`.
 *
 * @example
 * ```ts
 * describeUnknownKeys(unknownConfigKeys({ blcoks: [] })); // ['unknown key blcoks (did you mean blocks?)']
 * ```
 */
export function describeUnknownKeys(keys: readonly UnknownKey[]): string[] {
  return keys.map((k) => (k.notAnObject ? `${k.path} must be an object of settings` : `unknown key ${k.path}${k.nearest ? ` (did you mean ${k.nearest}?)` : ''}`));
}
