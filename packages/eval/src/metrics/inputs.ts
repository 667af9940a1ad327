/**
 * Input shapes accepted by the metrics: scores as one array or a list of per-image arrays
 * (anomaly maps), labels/masks likewise (any value > 0 is positive).
 */

/** A flat array of scores. Float32Array is the fast path (radix sort); others are read as float64. */
export type ScoreArray = Float32Array | Float64Array | readonly number[];
/** Scores as one flat array or one array per image. */
export type ScoreInput = ScoreArray | readonly ScoreArray[];
/** Binary labels (> 0 = positive) as one flat array or one array per image. */
export type LabelInput = Uint8Array | readonly number[] | readonly boolean[] | readonly (Uint8Array | readonly number[])[];

function isNested(x: unknown): x is readonly ArrayLike<unknown>[] {
  return Array.isArray(x) && x.length > 0 && typeof x[0] === 'object' && x[0] !== null;
}

/** Scores split into parts (one per image, or a single part). */
export function scoreParts(scores: ScoreInput): ScoreArray[] {
  return isNested(scores) ? [...(scores as readonly ScoreArray[])] : [scores as ScoreArray];
}

/** Labels split into parts, as 0/1-readable array-likes. */
export function labelParts(labels: LabelInput): ArrayLike<number | boolean>[] {
  return isNested(labels) ? [...(labels as readonly ArrayLike<number>[])] : [labels as ArrayLike<number | boolean>];
}

/** Checks that scores and labels have matching parts and lengths; returns the total length. */
export function checkPaired(scores: ScoreArray[], labels: ArrayLike<unknown>[], what: string): number {
  if (scores.length !== labels.length) throw new Error(`${what}: ${scores.length} score arrays but ${labels.length} label arrays`);
  let n = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i].length !== labels[i].length) {
      throw new Error(`${what}: score array ${i} has ${scores[i].length} values but its labels have ${labels[i].length}`);
    }
    n += scores[i].length;
  }
  return n;
}

/** True for all-Float32Array parts (radix path). */
export function allFloat32(parts: ScoreArray[]): parts is Float32Array[] {
  return parts.every((p) => p instanceof Float32Array);
}

/** Label value → 0/1. */
export function isPositive(v: number | boolean): boolean {
  return typeof v === 'boolean' ? v : v > 0;
}
