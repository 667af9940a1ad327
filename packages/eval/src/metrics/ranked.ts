/**
 * Scores split by class and sorted: the common first step of AUROC, ROC curves and F1-max.
 * Float32 scores are radix-sorted as uint32 keys; other scores are sorted as float64.
 */
import { allFloat32, checkPaired, isPositive, labelParts, scoreParts, type LabelInput, type ScoreInput } from './inputs.js';
import { keyToFloat, radixSortKeys } from './sort.js';

/** Positive and negative scores, each sorted ascending, in a comparable encoding. */
export interface RankedScores {
  /** Sorted ascending (uint32 keys for float32 input, values otherwise). */
  pos: Uint32Array | Float64Array;
  neg: Uint32Array | Float64Array;
  /** Turns an entry of `pos`/`neg` back into the score. */
  value: (v: number) => number;
}

/**
 * Splits scores by label and sorts each class.
 *
 * @throws when lengths differ or a score is NaN.
 */
export function rankScores(scores: ScoreInput, labels: LabelInput, what: string): RankedScores {
  const sParts = scoreParts(scores);
  const lParts = labelParts(labels);
  const n = checkPaired(sParts, lParts, what);
  let nPos = 0;
  for (const l of lParts) {
    if (l instanceof Uint8Array) {
      for (let i = 0; i < l.length; i++) if (l[i] > 0) nPos++;
    } else for (let i = 0; i < l.length; i++) if (isPositive(l[i])) nPos++;
  }
  const nNeg = n - nPos;
  if (allFloat32(sParts)) {
    const pos = new Uint32Array(nPos);
    const neg = new Uint32Array(nNeg);
    let a = 0;
    let b = 0;
    sParts.forEach((s, part) => {
      const l = lParts[part];
      const bits = new Uint32Array(s.buffer, s.byteOffset, s.length);
      const fast = l instanceof Uint8Array;
      for (let i = 0; i < bits.length; i++) {
        let x = bits[i];
        if ((x & 0x7fffffff) > 0x7f800000) throw new Error(`${what}: scores contain NaN (array ${part}, index ${i})`);
        if (x === 0x80000000) x = 0;
        const k = x & 0x80000000 ? ~x >>> 0 : (x | 0x80000000) >>> 0;
        if (fast ? (l as Uint8Array)[i] > 0 : isPositive(l[i])) pos[a++] = k;
        else neg[b++] = k;
      }
    });
    return { pos: radixSortKeys(pos), neg: radixSortKeys(neg), value: keyToFloat };
  }
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(nNeg);
  let a = 0;
  let b = 0;
  sParts.forEach((s, part) => {
    const l = lParts[part];
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (Number.isNaN(v)) throw new Error(`${what}: scores contain NaN (array ${part}, index ${i})`);
      if (isPositive(l[i])) pos[a++] = v === 0 ? 0 : v;
      else neg[b++] = v === 0 ? 0 : v;
    }
  });
  pos.sort();
  neg.sort();
  return { pos, neg, value: (v) => v };
}

/**
 * Visits the distinct scores from the highest down, with how many positives (`dtp`) and
 * negatives (`dfp`) have exactly that score. Return `false` from `visit` to stop.
 */
export function sweepDescending(r: RankedScores, visit: (encoded: number, dtp: number, dfp: number) => boolean | void): void {
  const { pos, neg } = r;
  let i = pos.length - 1;
  let j = neg.length - 1;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j] : j < 0 ? pos[i] : pos[i] > neg[j] ? pos[i] : neg[j];
    let dtp = 0;
    let dfp = 0;
    while (i >= 0 && pos[i] === v) {
      dtp++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      dfp++;
      j--;
    }
    if (visit(v, dtp, dfp) === false) return;
  }
}
