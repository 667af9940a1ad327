/**
 * Nearest-neighbour search by blocked dot products: for a block of queries A and a block of bank
 * rows B, ||a − b||² = ||a||² + ||b||² − 2·a·b, so the heavy part is one matrix product A·Bᵀ
 * that a BLAS-like kernel (onnxruntime's MatMul through the active core backend, ~137 GFLOP/s on
 * the 2-core dev machine) computes far faster than per-pair loops.
 */
import { getBackend, matmul, tensor, tidy } from '@msflow/core';

/**
 * Computes A·Bᵀ for row-major A [m, d] and B [n, d]; returns row-major [m, n].
 */
export type DotProducts = (a: Float32Array, m: number, b: Float32Array, n: number, d: number) => Float32Array | Promise<Float32Array>;

/**
 * A·Bᵀ in plain TypeScript: four bank rows per pass over a query row, so each query value is
 * loaded once for four products (the JIT keeps the four sums in registers).
 *
 * @example
 * ```ts
 * jsDot(new Float32Array([1, 2]), 1, new Float32Array([3, 4]), 1, 2); // Float32Array [11]
 * ```
 */
export const jsDot: DotProducts = (a, m, b, n, d) => {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const ai = i * d;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = j * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < d; k++) {
        const x = a[ai + k];
        s0 += x * b[b0 + k];
        s1 += x * b[b1 + k];
        s2 += x * b[b2 + k];
        s3 += x * b[b3 + k];
      }
      out[i * n + j] = s0;
      out[i * n + j + 1] = s1;
      out[i * n + j + 2] = s2;
      out[i * n + j + 3] = s3;
    }
    for (; j < n; j++) {
      let s = 0;
      const bj = j * d;
      for (let k = 0; k < d; k++) s += a[ai + k] * b[bj + k];
      out[i * n + j] = s;
    }
  }
  return out;
};

/**
 * A·Bᵀ as one `matmul` on the active core backend (make the onnx backend active for the fast
 * CPU path). The result is read back and the tensors freed at once.
 *
 * @example
 * ```ts
 * setBackend(await resolveBackend(['onnx']));
 * const baseline = await KnnBaseline.fit(train, { imageSize: [256, 256], dot: backendDot });
 * ```
 */
export const backendDot: DotProducts = async (a, m, b, n, d) => {
  const y = tidy(() => matmul(tensor(a, [m, d]), tensor(b, [n, d]), false, true));
  try {
    return Float32Array.from(await y.data());
  } finally {
    y.dispose();
  }
};

/** Name of what a {@link DotProducts} runs on, for reports. */
export function dotDescription(dot: DotProducts): string {
  if (dot === jsDot) return 'typescript loop';
  if (dot === backendDot) return `matmul on ${getBackend().info().name}`;
  return 'custom';
}

/** Squared norm of each row of a row-major [rows, d] array. */
export function rowNorms(x: Float32Array, rows: number, d: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = i * d, e = k + d; k < e; k++) s += x[k] * x[k];
    out[i] = s;
  }
  return out;
}

/** Exact squared distance between row `i` of `a` and row `j` of `b`, in float64. */
function exactSquared(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = a[i * d + k] - b[j * d + k];
    s += t * t;
  }
  return s;
}

/** A memory bank: row-major [n, d] patch features and their squared norms. */
export interface Bank {
  data: Float32Array;
  n: number;
  d: number;
  norms: Float64Array;
}

/** Options of {@link nearestDistances}. */
export interface NearestOptions {
  dot?: DotProducts;
  /** Bank rows per product (bounds the [queries, bankBlock] temporary; default 8192). */
  bankBlock?: number;
}

/**
 * Euclidean distance from each query row to its nearest bank row. The nearest row is found with
 * the blocked dot-product expansion; its distance is then recomputed exactly (float64 over the
 * difference), because the expansion loses the small distances to cancellation: a query equal to
 * a bank row gets exactly 0.
 *
 * @example
 * ```ts
 * const bank = makeBank(new Float32Array([0, 0, 3, 4]), 2, 2);
 * await nearestDistances(new Float32Array([3, 4, 6, 8]), 2, bank); // Float32Array [0, 5]
 * ```
 */
export async function nearestDistances(queries: Float32Array, m: number, bank: Bank, options: NearestOptions = {}): Promise<{ distances: Float32Array; indices: Int32Array }> {
  const { data, n, d, norms } = bank;
  if (queries.length !== m * d) throw new Error(`nearestDistances: ${m} queries of dimension ${d} need ${m * d} values, got ${queries.length}`);
  if (n === 0) throw new Error('nearestDistances: the bank is empty');
  const dot = options.dot ?? jsDot;
  const block = Math.max(1, options.bankBlock ?? 8192);
  const best = new Float64Array(m).fill(Infinity);
  const indices = new Int32Array(m);
  for (let start = 0; start < n; start += block) {
    const rows = Math.min(block, n - start);
    const products = await dot(queries, m, data.subarray(start * d, (start + rows) * d), rows, d);
    for (let i = 0; i < m; i++) {
      let b = best[i];
      let bi = indices[i];
      const base = i * rows;
      for (let j = 0; j < rows; j++) {
        // ||a||² is the same for every j: compare ||b||² − 2ab, add ||a||² once at the end.
        const v = norms[start + j] - 2 * products[base + j];
        if (v < b) {
          b = v;
          bi = start + j;
        }
      }
      best[i] = b;
      indices[i] = bi;
    }
  }
  const distances = new Float32Array(m);
  for (let i = 0; i < m; i++) distances[i] = Math.sqrt(exactSquared(queries, i, data, indices[i], d));
  return { distances, indices };
}

/**
 * Wraps row-major [n, d] features as a {@link Bank} (computes the row norms).
 *
 * @example
 * ```ts
 * const bank = makeBank(patches, patches.length / 512, 512);
 * ```
 */
export function makeBank(data: Float32Array, n: number, d: number): Bank {
  if (data.length !== n * d) throw new Error(`makeBank: ${n} rows of dimension ${d} need ${n * d} values, got ${data.length}`);
  return { data, n, d, norms: rowNorms(data, n, d) };
}
