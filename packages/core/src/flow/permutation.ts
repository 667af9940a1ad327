/** Channel permutations by index (new-FrEIA style), validated once. */

/** Throws unless `perm` is a permutation of 0..n-1. */
export function assertPermutation(perm: readonly number[], n: number, what: string): void {
  if (perm.length !== n) throw new Error(`${what}: permutation has ${perm.length} entries, expected ${n}`);
  const seen = new Uint8Array(n);
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= n || seen[p]) throw new Error(`${what}: [${perm.length} entries] is not a permutation of 0..${n - 1}`);
    seen[p] = 1;
  }
}

/** The inverse permutation: inv[perm[j]] = j. */
export function invertPermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, j) => (inv[p] = j));
  return inv;
}
