/**
 * The `RunResult` JSON schema: what one evaluation run (one backend, one class) records, so runs
 * on different backends can be compared. Anomaly maps are kept out of the JSON, in a
 * safetensors file next to it (or inline for tiny runs).
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '@msflow/data';
import type { TypeMetrics } from '../metrics/by_type.js';

/** Schema identifier stored in every result. */
export const RUN_RESULT_SCHEMA = 'msflow-run-result/1';

/**
 * Metric values as fractions in [0, 1] (multiply by 100 for tables). Known names:
 * `imageAuroc` (the paper's image score), `imageAurocNll` (the user-facing score), `pixelAuroc`,
 * `aupro` (standard, FPR ≤ 0.3 normalised), `auproMsflow` (spec §8), `imageF1Max`, `pixelF1Max`;
 * others are allowed.
 */
export type MetricSet = Record<string, number>;

/** Where the anomaly maps of a run are. */
export type AnomalyMapsRef =
  | {
      /** Path of a safetensors file, relative to the JSON file (or absolute). */
      file: string;
      format: 'safetensors';
      /** Tensor name in the file (default `maps`). */
      tensor?: string;
      /** [images, height, width]. */
      shape: [number, number, number];
    }
  | {
      /** Row-major values, images × height × width. */
      inline: number[];
      shape: [number, number, number];
    };

/**
 * A threshold applied to a labelled test set: the false-positive rate on its normal images
 * (printed beside the target it was chosen for) and the share of its anomalous images flagged.
 */
export interface RunDecision {
  /** Anomalous when the user-facing score is ≥ this. */
  threshold: number;
  /** How it was chosen, in words. */
  from: string;
  /** The false-positive rate it was chosen for (thresholds from normal images). */
  targetFpr?: number;
  /** On this set's normal images. */
  fpr?: number;
  /** On this set's anomalous images. */
  recall?: number;
  normals: number;
  anomalous: number;
}

/** One run's results. */
export interface RunResult {
  schema: typeof RUN_RESULT_SCHEMA;
  runId?: string;
  /** ISO 8601 time. */
  createdAt?: string;
  dataset: { name: string; className: string; inputSize?: [number, number]; testImages?: number };
  backend: { name: string; detail?: string; device?: string };
  /** Final (last-epoch) metrics. */
  metrics: MetricSet;
  /** Best value of each metric over the evaluated epochs, and the epoch it came from. */
  best?: { metrics: MetricSet; epochs?: Record<string, number> };
  /** Epoch the final metrics come from. */
  epoch?: number;
  /** Durations in seconds (e.g. `train`, `inference`, `metrics`); `perImageMs` style keys allowed. */
  timings: Record<string, number>;
  /** Image-level scores (the paper's) and labels, in dataset order. */
  imageScores?: number[];
  /** The user-facing image scores (top-k mean of the NLL map), in dataset order. */
  nllScores?: number[];
  labels?: number[];
  /** The stored image threshold applied to this test set. */
  decision?: RunDecision;
  paths?: string[];
  anomalyMaps?: AnomalyMapsRef;
  /** Final metrics per defect type, each against the normal test images. */
  byType?: TypeMetrics[];
  config?: Record<string, unknown>;
  /** Where the work ran: `@msflow/detector`'s execution plan (backbone, training, scoring). */
  plan?: Record<string, unknown>;
  notes?: string[];
}

/** A result file that does not follow the schema; lists every problem. */
export class RunResultError extends Error {
  override name = 'RunResultError';
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: not a valid run result: ${problems.join('; ')}`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumRecord = (v: unknown): boolean => isObj(v) && Object.values(v).every((x) => typeof x === 'number');
const isNumArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'number');
const isShape = (v: unknown): boolean => Array.isArray(v) && v.length === 3 && v.every((x) => Number.isInteger(x) && (x as number) > 0);

/**
 * Checks an unknown value (parsed JSON) against the schema; returns it typed or throws a
 * {@link RunResultError} listing all problems.
 *
 * @example
 * ```ts
 * const r = validateRunResult(JSON.parse(text), 'runs/a/result.json');
 * ```
 */
export function validateRunResult(value: unknown, source = 'run result'): RunResult {
  const p: string[] = [];
  if (!isObj(value)) throw new RunResultError(source, ['not a JSON object']);
  const v = value;
  if (v.schema !== RUN_RESULT_SCHEMA) p.push(`schema must be '${RUN_RESULT_SCHEMA}' (got ${JSON.stringify(v.schema)})`);
  if (!isObj(v.dataset) || typeof v.dataset.name !== 'string' || typeof v.dataset.className !== 'string') p.push('dataset.name and dataset.className must be strings');
  if (!isObj(v.backend) || typeof v.backend.name !== 'string') p.push('backend.name must be a string');
  if (!isNumRecord(v.metrics)) p.push('metrics must be an object of numbers');
  if (!isNumRecord(v.timings)) p.push('timings must be an object of numbers (seconds)');
  if (v.best !== undefined && (!isObj(v.best) || !isNumRecord(v.best.metrics))) p.push('best.metrics must be an object of numbers');
  for (const k of ['imageScores', 'nllScores', 'labels'] as const) if (v[k] !== undefined && !isNumArray(v[k])) p.push(`${k} must be an array of numbers`);
  if (v.decision !== undefined && !(isObj(v.decision) && typeof v.decision.threshold === 'number' && typeof v.decision.from === 'string')) p.push('decision must be { threshold, from, ... }');
  if (v.paths !== undefined && !(Array.isArray(v.paths) && v.paths.every((x) => typeof x === 'string'))) p.push('paths must be an array of strings');
  if (Array.isArray(v.imageScores) && Array.isArray(v.labels) && v.imageScores.length !== v.labels.length) p.push('imageScores and labels differ in length');
  if (v.byType !== undefined && !(Array.isArray(v.byType) && v.byType.every((t) => isObj(t) && typeof t.type === 'string' && typeof t.images === 'number'))) {
    p.push('byType must be an array of { type, images, ... } objects');
  }
  if (v.anomalyMaps !== undefined) {
    const m = v.anomalyMaps;
    if (!isObj(m) || !isShape(m.shape)) p.push('anomalyMaps.shape must be [images, height, width]');
    else if ('file' in m) {
      if (typeof m.file !== 'string' || m.format !== 'safetensors') p.push("anomalyMaps.file must be a string with format 'safetensors'");
    } else if ('inline' in m) {
      const s = m.shape as number[];
      if (!isNumArray(m.inline) || (m.inline as number[]).length !== s[0] * s[1] * s[2]) p.push('anomalyMaps.inline must hold images*height*width numbers');
    } else p.push('anomalyMaps needs file or inline');
  }
  if (p.length > 0) throw new RunResultError(source, p);
  return v as unknown as RunResult;
}

/**
 * Reads and validates a result file.
 *
 * @example
 * ```ts
 * const r = readRunResult('runs/tfjs/result.json');
 * ```
 */
export function readRunResult(path: string): RunResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RunResultError(path, [err instanceof Error ? err.message : String(err)]);
  }
  return validateRunResult(parsed, path);
}

/**
 * Validates and writes a result as pretty JSON, atomically. (To store anomaly maps too, use
 * {@link writeRunResultWithMaps}.)
 *
 * @example
 * ```ts
 * writeRunResult('runs/a/result.json', result);
 * ```
 */
export function writeRunResult(path: string, result: RunResult): void {
  validateRunResult(result, path);
  writeFileAtomicSync(path, JSON.stringify(result, null, 2) + '\n');
}
