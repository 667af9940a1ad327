// Helpers of backbone_knn.ts: list an MVTec-layout class, extract pooled backbone features,
// nearest-neighbour scores on the active backend.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  concat, dispose, keep, matmul, max, mul, preprocessPixels, resizeBilinear, reshape, sub, sum, tensor, tidy,
  type Backbone, type Tensor,
} from '@msflow/core';
import { preprocessImage, readImageSync } from '@msflow/data';

export interface Item { path: string; label: 0 | 1; type: string }

const IMG = /\.(png|jpe?g|bmp|tiff?)$/i;

/** train/good and test/<type> images, sorted (MVTec layout). */
export function listClass(root: string): { train: Item[]; test: Item[] } {
  const files = (dir: string) => readdirSync(dir).filter((f) => IMG.test(f)).sort().map((f) => join(dir, f));
  const train = files(join(root, 'train', 'good')).map((path) => ({ path, label: 0 as const, type: 'good' }));
  const test: Item[] = [];
  for (const type of readdirSync(join(root, 'test')).sort()) {
    for (const path of files(join(root, 'test', type))) test.push({ path, label: type === 'good' ? 0 : 1, type });
  }
  return { train, test };
}

/** Evenly spaced subset of at most n items (keeps the order, deterministic). */
export function spread<T>(items: T[], n: number | undefined): T[] {
  if (!n || items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

/** Per image: patch features [P, D] (tap2 ⊕ upsampled tap3) and a global descriptor (mean of every tap). */
export interface Features { patches: Float32Array; numPatches: number; dim: number; global: Float32Array }

/** Decodes, resizes (Lanczos, aspect not kept) and normalises for the backbone: [size, size, 3]. */
export function loadInput(path: string, size: number, backbone: Backbone): Float32Array {
  const { image } = preprocessImage(readImageSync(path), size, null);
  return preprocessPixels(image, backbone.preprocess);
}

export async function extractFeatures(backbone: Backbone, items: Item[], size: number, batch: number, log: (m: string) => void): Promise<Features[]> {
  const out: Features[] = [];
  const t0 = Date.now();
  for (let i = 0; i < items.length; i += batch) {
    const part = items.slice(i, i + batch);
    const x = new Float32Array(part.length * size * size * 3);
    part.forEach((it, j) => x.set(loadInput(it.path, size, backbone), j * size * size * 3));
    const [patchT, globalT] = tidy(() => {
      const taps = backbone.extract(tensor(x, [part.length, size, size, 3]));
      const [, h2, w2] = taps[1].shape;
      const patch = concat([taps[1], resizeBilinear(taps[2], [h2, w2], false)], 3);
      const global = concat(taps.map((t) => reshape(sum(t, [1, 2]), [part.length, t.shape[3]])).map((g, k) => mul(g, 1 / (taps[k].shape[1] * taps[k].shape[2]))), 1);
      return [patch, global];
    });
    const [pd, gd] = [await patchT.data(), await globalT.data()];
    const [, h, w, d] = patchT.shape;
    const gdim = globalT.shape[1];
    part.forEach((_, j) => {
      out.push({
        patches: Float32Array.from(pd.subarray(j * h * w * d, (j + 1) * h * w * d)),
        numPatches: h * w,
        dim: d,
        global: Float32Array.from(gd.subarray(j * gdim, (j + 1) * gdim)),
      });
    });
    dispose([patchT, globalT]);
    if ((i / batch) % 10 === 0) log(`  ${Math.min(i + batch, items.length)}/${items.length} images, ${((Date.now() - t0) / (i + part.length)).toFixed(0)} ms/image`);
  }
  return out;
}

/** A memory bank on the backend: rows transposed to [d, m] (tfjs multiplies A·B much faster than A·Bᵀ). */
export interface Bank { t: Tensor; sq: Tensor; dim: number; size: number }

export function prepareBank(rows: Float32Array, dim: number): Bank {
  const m = rows.length / dim;
  const tr = new Float32Array(rows.length);
  for (let i = 0; i < m; i++) for (let j = 0; j < dim; j++) tr[j * m + i] = rows[i * dim + j];
  const t = keep(tensor(tr, [dim, m]));
  const sq = keep(tidy(() => reshape(sum(mul(t, t), 0), [1, m])));
  return { t, sq, dim, size: m };
}

/** Squared distance from each row of `queries` [q, d] to its nearest bank row, on the backend. */
export async function nearestSq(queries: Float32Array, bank: Bank, chunk = 1024): Promise<Float32Array> {
  const { dim } = bank;
  const q = queries.length / dim;
  const out = new Float32Array(q);
  for (let s = 0; s < q; s += chunk) {
    const n = Math.min(chunk, q - s);
    const res = tidy(() => {
      const a = tensor(queries.subarray(s * dim, (s + n) * dim), [n, dim]);
      // min_j |a - b_j|² = |a|² - max_j (2 a·b_j - |b_j|²)
      const best = max(sub(mul(matmul(a, bank.t), 2), bank.sq), 1);
      return sub(sum(mul(a, a), 1), best);
    });
    out.set(await res.data(), s);
    res.dispose();
  }
  for (let i = 0; i < q; i++) out[i] = Math.max(0, out[i]);
  return out;
}
