import { describeUnknownKeys, nearestName, unknownConfigKeys } from '@msflow/core';
import { UsageError } from './errors.js';

/** What a config-file key may hold. */
export type KeyKind = 'path' | 'name' | 'number' | 'boolean' | 'names' | 'model';

const KIND_TEXT: Record<KeyKind, string> = {
  path: 'a string (a path)',
  name: 'a string',
  number: 'a number',
  boolean: 'true or false',
  names: 'a list of names (or one comma-separated string)',
  model: 'an object of MSFlow config fields',
};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v).slice(0, 40)}`;
}

function fits(kind: KeyKind, v: unknown): boolean {
  switch (kind) {
    case 'path':
    case 'name':
      return typeof v === 'string' && v.length > 0;
    case 'number':
      // Flags arrive as strings; the flag's own check reads the number and names the key.
      return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.trim() !== '');
    case 'boolean':
      return typeof v === 'boolean';
    case 'names':
      return (typeof v === 'string' && v.length > 0) || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    case 'model':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
  }
}

/**
 * Checks a config file's settings against `schema` (key -> kind): an unknown key is refused with
 * the nearest valid one, a value of the wrong type with the key and what it should hold, and a
 * `model` object with unknown MSFlow config fields with their path (`model.blcoks`). Every
 * failure is one {@link UsageError} line (exit 2) naming the file.
 *
 * @example
 * ```ts
 * checkConfigFile({ epochz: 2 }, 'train.yaml', { epochs: 'number' }); // throws: unknown key epochz (did you mean epochs?)
 * ```
 */
export function checkConfigFile(values: Record<string, unknown>, file: string, schema: Readonly<Record<string, KeyKind>>): void {
  const known = Object.keys(schema);
  for (const [key, value] of Object.entries(values)) {
    const kind = schema[key];
    if (!kind) {
      const near = nearestName(key, known);
      throw new UsageError(`--config ${file}: unknown key ${key} (${near ? `did you mean ${near}? ` : ''}valid keys: ${known.join(', ')})`);
    }
    if (!fits(kind, value)) throw new UsageError(`--config ${file}: key ${key} must be ${KIND_TEXT[kind]}, got ${typeName(value)}`);
    if (kind === 'model') {
      const bad = describeUnknownKeys(unknownConfigKeys(value, `${key}.`));
      if (bad.length) throw new UsageError(`--config ${file}: ${bad.join('; ')}`);
    }
  }
}
