/**
 * Sorting machinery for the metrics: float32 scores become order-preserving uint32 keys, sorted
 * with an LSD radix sort (3 passes of 11/11/10 bits, passes with a single bucket skipped), so
 * tens of millions of pixels sort in about a second with no per-element objects.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The uint32 key of a float32 value: keys compare like the floats (−0 is mapped to +0).
 * Throws on NaN.
 *
 * @example
 * ```ts
 * floatToKey(-1) < floatToKey(0.5); // true
 * ```
 */
export function floatToKey(value: number): number {
  f32[0] = value;
  return bitsToKey(u32[0]);
}

/** Key of raw float32 bits (see {@link floatToKey}); returns -1 for NaN. */
export function bitsToKey(bits: number): number {
  if ((bits & 0x7fffffff) > 0x7f800000) return -1;
  if (bits === 0x80000000) bits = 0;
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

/**
 * The float32 value of a key made by {@link floatToKey}.
 *
 * @example
 * ```ts
 * keyToFloat(floatToKey(0.25)); // 0.25
 * ```
 */
export function keyToFloat(key: number): number {
  u32[0] = key & 0x80000000 ? key & 0x7fffffff : ~key >>> 0;
  return f32[0];
}

/**
 * Writes the keys of `values` into `out` at `offset` (ascending order of keys = ascending
 * values). Throws naming the index of a NaN.
 */
export function writeKeys(values: Float32Array, out: Uint32Array, offset: number, what = 'scores'): void {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < bits.length; i++) {
    const k = bitsToKey(bits[i]);
    if (k < 0) throw new Error(`${what} contain NaN (at index ${i})`);
    out[offset + i] = k;
  }
}

const BITS = [11, 11, 10];
const SHIFTS = [0, 11, 22];

function histograms(keys: Uint32Array): Uint32Array {
  const h = new Uint32Array(2048 * 3);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    h[k & 2047]++;
    h[2048 + ((k >>> 11) & 2047)]++;
    h[4096 + (k >>> 22)]++;
  }
  return h;
}

/** Turns counts into start offsets; returns false when one bucket holds everything (pass not needed). */
function prefix(h: Uint32Array, pass: number, n: number): boolean {
  const off = pass * 2048;
  const size = 1 << BITS[pass];
  let sum = 0;
  for (let j = 0; j < size; j++) {
    const c = h[off + j];
    if (c === n) return false;
    h[off + j] = sum;
    sum += c;
  }
  return true;
}

/**
 * Sorts uint32 keys ascending (radix sort). May sort in place or return a new array: use the
 * returned value.
 *
 * @example
 * ```ts
 * const sorted = radixSortKeys(Uint32Array.of(3, 1, 2)); // [1, 2, 3]
 * ```
 */
export function radixSortKeys(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  if (n < 2) return keys;
  const h = histograms(keys);
  let src = keys;
  let dst: Uint32Array | undefined;
  for (let p = 0; p < 3; p++) {
    if (!prefix(h, p, n)) continue;
    dst ??= new Uint32Array(n);
    const off = p * 2048;
    const sh = SHIFTS[p];
    const mask = (1 << BITS[p]) - 1;
    for (let i = 0; i < n; i++) {
      const k = src[i];
      dst[h[off + ((k >>> sh) & mask)]++] = k;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/**
 * Sorts keys ascending and applies the same permutation to `payload` (stable). Returns the
 * sorted pair (possibly the input arrays, sorted in place).
 *
 * @example
 * ```ts
 * const { keys, payload } = radixSortPairs(Uint32Array.of(3, 1), Uint32Array.of(0, 1)); // payload [1, 0]
 * ```
 */
export function radixSortPairs(keys: Uint32Array, payload: Uint32Array): { keys: Uint32Array; payload: Uint32Array } {
  const n = keys.length;
  if (payload.length !== n) throw new Error('radixSortPairs: keys and payload differ in length');
  if (n < 2) return { keys, payload };
  const h = histograms(keys);
  let sk = keys;
  let sp = payload;
  let dk: Uint32Array | undefined;
  let dp: Uint32Array | undefined;
  for (let p = 0; p < 3; p++) {
    if (!prefix(h, p, n)) continue;
    dk ??= new Uint32Array(n);
    dp ??= new Uint32Array(n);
    const off = p * 2048;
    const sh = SHIFTS[p];
    const mask = (1 << BITS[p]) - 1;
    for (let i = 0; i < n; i++) {
      const k = sk[i];
      const pos = h[off + ((k >>> sh) & mask)]++;
      dk[pos] = k;
      dp[pos] = sp[i];
    }
    [sk, dk] = [dk, sk];
    [sp, dp] = [dp, sp];
  }
  return { keys: sk, payload: sp };
}

/**
 * The k-th smallest key (0-based) among the `keys[i]` with `exclude[i] === 0` (all keys when
 * `exclude` is omitted), in two 16-bit histogram passes (no sorting, no copy). Also returns how
 * many of those keys are ≥ the result.
 *
 * @example
 * ```ts
 * selectKey(Uint32Array.of(5, 1, 9), 1).key; // 5
 * ```
 */
export function selectKey(keys: Uint32Array, k: number, exclude?: Uint32Array): { key: number; atLeast: number } {
  const h = new Float64Array(65536);
  const n = keys.length;
  for (let i = 0; i < n; i++) if (!exclude || exclude[i] === 0) h[keys[i] >>> 16]++;
  let rank = k;
  let hi = 0;
  while (hi < 65536 && rank >= h[hi]) rank -= h[hi++];
  if (hi === 65536) throw new RangeError(`selectKey: rank ${k} out of range`);
  let above = 0;
  for (let b = hi + 1; b < 65536; b++) above += h[b];
  h.fill(0);
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (key >>> 16 === hi && (!exclude || exclude[i] === 0)) h[key & 0xffff]++;
  }
  let lo = 0;
  while (rank >= h[lo]) rank -= h[lo++];
  for (let b = lo; b < 65536; b++) above += h[b];
  return { key: ((hi << 16) | lo) >>> 0, atLeast: above };
}
