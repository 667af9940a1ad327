/**
 * Metrics per defect type, as MVTec-style papers break their tables down: each type's images
 * against the normal test images. Pooled pixel AUROC weighs every anomalous pixel equally, so a
 * type with large masks can decide it alone (magnetic_tile's `uneven` holds about 70 % of the
 * anomalous pixels); this breakdown shows that.
 */
import type { ScoreArray } from './inputs.js';
import { auroc, pixelAuroc } from './roc.js';

/** Metrics of one defect type (fractions in [0, 1]). */
export interface TypeMetrics {
  /** Defect type, e.g. `crack` (the test folder name). */
  type: string;
  /** Images of this type. */
  images: number;
  /** AUROC of this type's image scores against the normal test images'. */
  imageAuroc?: number;
  /** AUROC over the pixels of this type's images and of the normal test images. */
  pixelAuroc?: number;
  /** Anomalous pixels in this type's masks. */
  anomalousPixels?: number;
  /** This type's share of all anomalous pixels of the test set. */
  pixelShare?: number;
}

/** Inputs of {@link metricsByType}. */
export interface ByTypeInput {
  imageScores: ArrayLike<number>;
  /** 1 = anomalous. */
  labels: ArrayLike<number>;
  /** One type per image; the normal images' type is ignored (their label says they are normal). */
  types: readonly string[];
  /** Anomaly maps, images × pixels, in image order. */
  pixelMaps?: Float32Array;
  /** 0/1 masks in the same layout. */
  masks?: Uint8Array;
}

/**
 * Image and pixel AUROC of each defect type against the normal test images, in the order the
 * types first appear. Types without normal images to compare with get no AUROC.
 *
 * @example
 * ```ts
 * const rows = metricsByType({ imageScores, labels, types: set.types, pixelMaps: addMaps, masks });
 * rows.find((r) => r.type === 'uneven')?.pixelShare; // e.g. 0.72
 * ```
 */
export function metricsByType(input: ByTypeInput): TypeMetrics[] {
  const n = input.labels.length;
  if (input.types.length !== n || input.imageScores.length !== n) {
    throw new Error(`metricsByType: ${n} labels, ${input.types.length} types and ${input.imageScores.length} image scores (expected one of each per image)`);
  }
  const normal = [...Array(n).keys()].filter((i) => !(input.labels[i] > 0));
  const order: string[] = [];
  const members = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    if (!(input.labels[i] > 0)) continue;
    const t = input.types[i];
    if (!members.has(t)) {
      members.set(t, []);
      order.push(t);
    }
    members.get(t)!.push(i);
  }
  const px = input.pixelMaps && input.masks ? input.pixelMaps.length / n : 0;
  if (px && (!Number.isInteger(px) || input.masks!.length !== input.pixelMaps!.length)) {
    throw new Error(`metricsByType: ${input.pixelMaps!.length} map values and ${input.masks!.length} mask values for ${n} images (expected the same whole number per image)`);
  }
  const mapOf = (i: number) => input.pixelMaps!.subarray(i * px, (i + 1) * px);
  const maskOf = (i: number) => input.masks!.subarray(i * px, (i + 1) * px);
  const positives = (idx: readonly number[]) => idx.reduce((s, i) => s + maskOf(i).reduce((a, v) => a + (v > 0 ? 1 : 0), 0), 0);
  const counts = new Map(order.map((t) => [t, px ? positives(members.get(t)!) : 0]));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const masksOfNormal = px ? normal.map(maskOf) : [];
  const mapsOfNormal = px ? normal.map(mapOf) : [];
  return order.map((type) => {
    const idx = members.get(type)!;
    const row: TypeMetrics = { type, images: idx.length };
    if (normal.length > 0) {
      const scores: ScoreArray = [...normal, ...idx].map((i) => input.imageScores[i]);
      row.imageAuroc = auroc(scores, [...normal.map(() => 0), ...idx.map(() => 1)]);
    }
    if (px) {
      const anomalous = counts.get(type)!;
      row.anomalousPixels = anomalous;
      if (total > 0) row.pixelShare = anomalous / total;
      if (anomalous > 0) row.pixelAuroc = pixelAuroc([...mapsOfNormal, ...idx.map(mapOf)], [...masksOfNormal, ...idx.map(maskOf)]);
    }
    return row;
  });
}
