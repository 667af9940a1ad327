import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors.js';

/** Reads a JSON or YAML config file into a plain object; errors name the file. */
export function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new UsageError(`--config: file ${path} does not exist`);
  const text = readFileSync(path, 'utf8');
  let value: unknown;
  try {
    value = ['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--config: ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'JSON or YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--config: ${path} must hold an object of settings`);
  }
  return value as Record<string, unknown>;
}

/** Overlays defined flag values onto a config object (flags win). */
export function mergeFlags<T extends object>(base: T, flags: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) out[k] = v;
  return out as T;
}
