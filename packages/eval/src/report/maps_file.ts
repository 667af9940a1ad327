/**
 * Anomaly maps of a run, stored as a safetensors file next to the result JSON.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '@msflow/core';
import { writeFileAtomicSync } from '@msflow/data';
import { writeRunResult, type RunResult } from './run_result.js';

/** Anomaly maps: `images × height × width` float32 values. */
export interface AnomalyMaps {
  data: Float32Array;
  shape: [number, number, number];
}

/**
 * Writes `result` to `path` and `maps` to `<path without .json>.maps.safetensors`, and records
 * the maps file (relative) in `result.anomalyMaps`. Returns the result as written.
 *
 * @example
 * ```ts
 * writeRunResultWithMaps('runs/tfjs/result.json', result, { data: maps, shape: [n, 256, 256] });
 * ```
 */
export function writeRunResultWithMaps(path: string, result: RunResult, maps: AnomalyMaps): RunResult {
  const [n, h, w] = maps.shape;
  if (maps.data.length !== n * h * w) throw new Error(`anomaly maps: ${maps.data.length} values do not match shape ${maps.shape.join('x')}`);
  const file = basename(path).replace(/\.json$/i, '') + '.maps.safetensors';
  const bytes = encodeSafetensors(new Map([['maps', { shape: [n, h, w], data: maps.data }]]), { schema: 'msflow-anomaly-maps/1' });
  writeFileAtomicSync(join(dirname(path), file), bytes);
  const out: RunResult = { ...result, anomalyMaps: { file, format: 'safetensors', tensor: 'maps', shape: [n, h, w] } };
  writeRunResult(path, out);
  return out;
}

/**
 * Loads a run's anomaly maps (from its safetensors file, resolved against `baseDir`, or inline);
 * `undefined` when the run has none.
 *
 * @example
 * ```ts
 * const maps = loadAnomalyMaps(result, 'runs/tfjs');
 * ```
 */
export function loadAnomalyMaps(result: RunResult, baseDir = '.'): AnomalyMaps | undefined {
  const ref = result.anomalyMaps;
  if (!ref) return undefined;
  if ('inline' in ref) return { data: Float32Array.from(ref.inline), shape: ref.shape };
  const path = isAbsolute(ref.file) ? ref.file : join(baseDir, ref.file);
  const content = decodeSafetensors(readFileSync(path), path);
  const t = content.tensors.get(ref.tensor ?? 'maps');
  if (!t) throw new Error(`${path}: no tensor '${ref.tensor ?? 'maps'}'`);
  const n = ref.shape[0] * ref.shape[1] * ref.shape[2];
  if (t.data.length !== n) throw new Error(`${path}: tensor has ${t.data.length} values, result says ${ref.shape.join('x')}`);
  return { data: t.data, shape: ref.shape };
}
